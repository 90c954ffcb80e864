"""plist: dated-folder pages whose page list is a separate `YYYYMMDD_plist.htm`."""
