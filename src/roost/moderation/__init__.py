"""Running a community: reports, and what moderators do about them."""
