"""shtml: `shtml/<paper>/YYYYMMDD/v01.shtml` editions, two skins (docs/families/shtml.md)."""
