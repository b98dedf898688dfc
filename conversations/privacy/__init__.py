"""What conversations contributes to privacy work (``partnerships.privacy.hooks``)."""
