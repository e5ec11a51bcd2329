"""A party's direct application to a mediation organisation (当事人直接申请调解; issue 10 item 3): its data and
reads. Once the respondent agreed (or may not refuse, L19), it is mediated as a delegated case is
(`investor.mediation`); nothing of it travels to a court."""
