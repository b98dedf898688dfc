"""What learners contributes to privacy work (``partnerships.privacy.hooks``)."""
