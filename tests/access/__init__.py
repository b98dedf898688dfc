"""The every-role access matrix: every URL pattern, GET and POST, against every role."""
