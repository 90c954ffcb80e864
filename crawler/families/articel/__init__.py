"""page-articel: `content/YYYYMMDD/PageNNXX.htm` pages and `ArticelNNNN….htm` articles."""
