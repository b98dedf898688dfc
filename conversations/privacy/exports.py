"""What conversations holds about a person and a school, for exports."""
