//! Go pflag's flag syntax on a clap command.
//!
//! kustomize and kubectl parse their flags with pflag, and command lines
//! written for them (scripts, ArgoCD's `kustomize.buildOptions`) use its
//! forms. What differs from clap's defaults:
//!
//! * a boolean flag takes an optional value after `=`: `--enable-helm`,
//!   `--enable-helm=true`, `--enable-helm=0`, with the spellings Go's
//!   `strconv.ParseBool` accepts. `--enable-helm false` is not a value: the
//!   word after the flag is a positional argument, as in pflag;
//! * a flag given twice is not an error: the last value wins (list flags
//!   collect every value);
//! * kubectl normalises `_` in flag names to `-` (`--enable_helm`).
//!
//! [`go_style`] rewrites every flag of a command tree that way, so each
//! command (and the ArgoCD plugin, which parses build options with the same
//! definitions) accepts the same command lines.

use clap::builder::ValueParser;
use clap::{Arg, ArgAction, Command};

/// The value name shown for a boolean flag's optional value.
const BOOL_VALUE_NAME: &str = "BOOL";

/// Parses a boolean as Go's `strconv.ParseBool` does.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {text:?}: invalid syntax \
             (expected true or false; 1, t, T, TRUE, True, 0, f, F, FALSE and False also work)"
        )),
    }
}

/// Rewrites `command` and all its subcommands to pflag's syntax (see the
/// module documentation).
pub fn go_style(command: Command) -> Command {
    command.mut_args(go_style_arg).mut_subcommands(go_style)
}

/// One argument in pflag's syntax.
fn go_style_arg(arg: Arg) -> Arg {
    let arg = match arg.get_long() {
        Some(long) if long.contains('-') => {
            let alias = long.replace('-', "_");
            arg.alias(alias)
        }
        _ => arg,
    };
    match arg.get_action() {
        ArgAction::SetTrue => boolean(arg),
        ArgAction::Set if arg.get_long().is_some() || arg.get_short().is_some() => {
            // pflag: the last of repeated occurrences wins.
            let id = arg.get_id().clone();
            arg.overrides_with(id)
        }
        _ => arg,
    }
}

/// A boolean flag with pflag's optional `=VALUE`.
fn boolean(arg: Arg) -> Arg {
    let id = arg.get_id().clone();
    arg.action(ArgAction::Set)
        .num_args(0..=1)
        .require_equals(true)
        .default_missing_value("true")
        .default_value("false")
        .hide_default_value(true)
        .value_name(BOOL_VALUE_NAME)
        .value_parser(ValueParser::new(parse_bool))
        .overrides_with(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ArgMatches;

    fn command() -> Command {
        go_style(
            Command::new("t")
                .arg(Arg::new("dir").default_value("."))
                .arg(
                    Arg::new("enable_helm")
                        .long("enable-helm")
                        .action(ArgAction::SetTrue),
                )
                .arg(Arg::new("restrictor").long("load-restrictor"))
                .arg(
                    Arg::new("env")
                        .short('e')
                        .long("env")
                        .action(ArgAction::Append),
                ),
        )
    }

    fn parse(args: &[&str]) -> Result<ArgMatches, clap::Error> {
        command().try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
    }

    fn helm(args: &[&str]) -> bool {
        *parse(args).unwrap().get_one::<bool>("enable_helm").unwrap()
    }

    #[test]
    fn go_booleans_parse() {
        for text in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool(text), Ok(true), "{text}");
        }
        for text in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool(text), Ok(false), "{text}");
        }
        for text in ["", "yes", "tRue", "on", " true"] {
            assert!(parse_bool(text).is_err(), "{text}");
        }
    }

    #[test]
    fn boolean_flags_take_an_optional_value_after_equals() {
        assert!(!helm(&[]));
        assert!(helm(&["--enable-helm"]));
        assert!(helm(&["--enable-helm=true", "."]));
        assert!(!helm(&[".", "--enable-helm=F"]));
        assert!(helm(&["--enable_helm"]));
        assert!(!helm(&["--enable-helm", "--enable-helm=false"]));
        assert!(parse(&["--enable-helm=yes"]).is_err());
        assert!(parse(&["--enable-helm="]).is_err());
    }

    #[test]
    fn a_word_after_a_boolean_flag_is_positional() {
        let matches = parse(&["--enable-helm", "false"]).unwrap();
        assert!(*matches.get_one::<bool>("enable_helm").unwrap());
        assert_eq!(matches.get_one::<String>("dir").unwrap(), "false");
    }

    #[test]
    fn string_flags_take_both_forms_and_the_last_wins() {
        for args in [
            &["--load-restrictor", "a", "--load-restrictor=b"][..],
            &["--load_restrictor=a", "--load-restrictor", "b"],
        ] {
            let matches = parse(args).unwrap();
            assert_eq!(matches.get_one::<String>("restrictor").unwrap(), "b");
        }
        let matches = parse(&["-e", "A=1", "--env=B", "-e=C=3", "-eD"]).unwrap();
        let env: Vec<&String> = matches.get_many("env").unwrap().collect();
        assert_eq!(env, ["A=1", "B", "C=3", "D"]);
    }

    #[test]
    fn unknown_flags_are_errors() {
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--Enable-helm"]).is_err());
    }
}
