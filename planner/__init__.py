"""The CWS ICT Strategy Task Force planner. The Flask app is built by `planner.app.create_app`;
the pure domain modules (the survey reader, the scorer, the solver, ...) import without Flask."""
