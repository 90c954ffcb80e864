"""index-htm: `YYYYMMDD/html/index.htm` + `page_N.htm` editions (docs/families/index-htm.md)."""
