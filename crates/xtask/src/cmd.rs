//! Running external programs: every command is echoed before it runs, so a CI log shows exactly
//! what to paste to reproduce a failure, and a failure names the command that failed.

use std::fmt::Display;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// Announces one step of a task.
pub fn step(message: impl Display) {
    println!("==> {message}");
}

/// A `cargo` command. The rustup proxy on PATH is used rather than `$CARGO`, so that subcommands
/// such as `cargo fmt` and `cargo clippy` resolve the same way they do in a terminal.
pub fn cargo() -> Command {
    Command::new("cargo")
}

/// Runs `cmd` with the terminal's stdout and stderr, failing unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = describe(cmd);
    println!("$ {shown}");
    let status = cmd.status().with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` quietly and returns its stdout when it succeeds; `None` when the program is missing
/// or fails. Used for version checks, where "not there" is an answer rather than an error.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let output = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `cmd` (echoed, stderr to the terminal) and returns its stdout, failing unless it succeeds.
pub fn capture(cmd: &mut Command) -> Result<String> {
    let shown = describe(cmd);
    println!("$ {shown}");
    let output = cmd.stderr(Stdio::inherit()).output().with_context(|| format!("could not start `{shown}`"))?;
    if !output.status.success() {
        bail!("`{shown}` failed ({})", output.status);
    }
    String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed something that is not UTF-8"))
}

/// The command as a shell line, with the environment it overrides in front. A long PATH is
/// shortened to what was put in front of the inherited one.
pub fn describe(cmd: &Command) -> String {
    let mut parts = Vec::new();
    for (key, value) in cmd.get_envs() {
        let (key, Some(value)) = (key.to_string_lossy(), value) else { continue };
        let value = value.to_string_lossy();
        let value = match (key.as_ref(), value.split_once(':')) {
            ("PATH", Some((first, _))) => format!("{}:$PATH", quote(first)),
            _ => quote(&value),
        };
        parts.push(format!("{key}={value}"));
    }
    parts.push(quote(&cmd.get_program().to_string_lossy()));
    parts.extend(cmd.get_args().map(|arg| quote(&arg.to_string_lossy())));
    parts.join(" ")
}

/// Quotes a word for a POSIX shell when it holds anything a shell would interpret.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_quotes_words_and_shortens_path() {
        let mut cmd = Command::new("trunk");
        cmd.args(["build", "--release", "a b"]).env("PATH", "/x/bin:/usr/bin").env("K", "it's");
        assert_eq!(describe(&cmd), r"K='it'\''s' PATH=/x/bin:$PATH trunk build --release 'a b'");
    }
}
