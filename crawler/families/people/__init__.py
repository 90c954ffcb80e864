"""Families of the People's Daily (人民日报) e-paper platform: people-nbs, the `nbs`/`nw` edition of 1946–2024."""
