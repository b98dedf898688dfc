"""What reports keeps past a retention period."""
