"""The Founder e-paper families: founder-pc (pc.py) and founder-classic (classic.py) over one parser (common.py)."""
