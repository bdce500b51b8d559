"""Reusable Qt widgets shared by dialogs and panels (contact picker, ...)."""
