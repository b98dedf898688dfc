"""What reports contributes to privacy work (``partnerships.privacy.hooks``)."""
