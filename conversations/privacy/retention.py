"""What conversations keeps past a retention period."""
