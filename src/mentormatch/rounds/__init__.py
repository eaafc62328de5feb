"""Program rounds beside the main match: circles, peers, roommates, buddies, tasks, Program."""
