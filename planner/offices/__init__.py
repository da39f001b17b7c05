"""IP offices: the respondents, presenters and audiences the Task Force plans with."""
