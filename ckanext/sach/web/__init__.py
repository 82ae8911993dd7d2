"""HTTP layer of the served site: WSGI middleware for headers, compression and proxies."""
