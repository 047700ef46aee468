"""Kasane (重ね): an open platform for 重層的支援体制整備事業."""

__version__ = "0.1.0"
