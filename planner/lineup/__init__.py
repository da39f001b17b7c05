"""Line-ups: the best set of presentations for a workshop under a co-lead's rules."""
