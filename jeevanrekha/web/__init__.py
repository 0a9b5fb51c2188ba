"""The desk's pages (server-rendered, HTMX), middleware and static assets."""
