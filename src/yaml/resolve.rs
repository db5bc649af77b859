//! Resolving plain and tagged scalars to values by yaml.v3's rules.
