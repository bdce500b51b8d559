"""Accent colours that stay readable on the palette in use, light or dark."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether text is shown on a dark background (the dark palette, a dark desktop)."""
    chosen = palette if palette is not None else QGuiApplication.palette()
    return chosen.color(QPalette.ColorRole.Base).lightness() < 128


def readable(colour: str | QColor, palette: QPalette | None = None) -> QColor:
    """`colour` as chosen for a light background; on a dark one, the same hue made light enough
    to read (the stage colours and the overdue red are dark shades that vanish on #1e1e1e)."""
    chosen = QColor(colour)
    if not is_dark(palette):
        return chosen
    hue, saturation = chosen.hslHueF(), chosen.hslSaturationF()
    lightness, alpha = chosen.lightnessF(), chosen.alphaF()
    return QColor.fromHslF(max(hue, 0.0), min(saturation, 0.85), max(lightness, 0.68), alpha)
