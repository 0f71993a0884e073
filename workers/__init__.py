"""The Dramatiq fleet: broker setup, one module of actors per context, the scheduler."""
