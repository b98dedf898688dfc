"""What of the ground floor a person may ask to correct: their contact details."""
