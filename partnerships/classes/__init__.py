"""What a class takes home or out: its printed sign-in cards, its list and contacts as CSV."""
