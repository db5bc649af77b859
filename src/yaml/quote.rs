//! Choosing a scalar's style (plain, single, double, literal) as go-yaml v2 does.
