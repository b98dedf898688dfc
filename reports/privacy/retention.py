"""What reports keeps past a retention period: nothing of its own.

Reports store no files (a report's PDF is made when it is asked for), and a report, its
versions and whānau responses go with the student's records (the cascade from the student,
which the ground floor deletes), so there is nothing here to register."""
