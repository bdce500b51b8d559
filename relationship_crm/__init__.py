"""Relationship CRM: a private, offline personal CRM for sales reps."""

__version__ = "0.1.0"
