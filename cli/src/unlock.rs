//! `comeback unlock`: the recovery key goes back into the keychain. The recovery key is
//! the database key itself, so it never travels on the command line, where every process
//! on the machine can read it and the shell keeps it in its history. It is typed at a
//! prompt that does not show it (when standard input is a terminal) or piped in on
//! standard input (one line), and it is only ever held in buffers that are wiped when
//! dropped. The app lock's passcode (`comeback lock`) is read the same way
//! ([`read_secret`]).

use std::fs::File;
use std::io::{IsTerminal, Read};

use anyhow::{Result, anyhow};
use comeback_core::Vault;
use comeback_core::keys::{KeyError, Keychain, SecretKey};
use zeroize::Zeroizing;

use crate::{Cli, vault_dir};

/// What to do instead of passing the key as an argument, or after giving none.
const HOW: &str =
    "paste it at the prompt of `comeback unlock`, or pipe it: `comeback unlock < key.txt`";

/// A secret line to ask for: the prompt, and the words for what goes wrong.
pub struct Ask {
    /// Shown before the hidden input, e.g. "Recovery key (what you type is not shown): ".
    pub prompt: &'static str,
    /// What the secret is called in a message ("recovery key", "passcode").
    pub name: &'static str,
    /// How to give it instead (the prompt, or a pipe).
    pub how: &'static str,
    /// Bytes at most. The buffer is allocated once at this size and never grows, so no
    /// reallocation leaves a copy of the secret behind.
    pub max_len: usize,
}

/// Far longer than a recovery key as anyone types it (55 letters and digits, dashes or
/// spaces between the groups).
const RECOVERY_KEY: Ask = Ask {
    prompt: "Recovery key (what you type is not shown): ",
    name: "recovery key",
    how: HOW,
    max_len: 256,
};

/// `flag` is what was given to the refused `--recovery-key`, if it was given.
pub fn unlock(cli: &Cli, flag: Option<&str>) -> Result<()> {
    if flag.is_some() {
        return Err(anyhow!(
            "--recovery-key is refused: a key on the command line can be read by every process on this machine and stays in your shell history; {HOW}"
        ));
    }
    let dir = vault_dir(cli)?;
    // Say "no vault here" before asking for a key.
    comeback_core::vault::uses_key_file(&dir)?;
    let line = read_secret(&RECOVERY_KEY)?;
    let text = std::str::from_utf8(line.trim_ascii())
        .map_err(|_| KeyError::BadRecoveryKey("it has characters outside A–Z and 2–7".into()))?;
    if text.is_empty() {
        return Err(anyhow!("no recovery key was given; {HOW}"));
    }
    let key = SecretKey::from_recovery_key(text)?;
    Vault::unlock(&dir, &key, &Keychain::platform()?)?;
    println!("The key is back in the keychain; the vault opens again.");
    Ok(())
}

/// Whether a secret would be typed at a hidden prompt (standard input is a terminal).
pub fn at_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// One line: typed at a hidden prompt when standard input is a terminal, else read from
/// standard input (a `\r` before the line's end is dropped).
pub fn read_secret(ask: &Ask) -> Result<Zeroizing<Vec<u8>>> {
    if at_terminal() {
        return hidden::read_line(ask);
    }
    let mut input = unbuffered_stdin()?;
    let mut line = Zeroizing::new(Vec::with_capacity(ask.max_len));
    let mut byte = Zeroizing::new([0u8; 1]);
    while input.read(&mut *byte)? == 1 && byte[0] != b'\n' {
        push(ask, &mut line, byte[0])?;
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

fn push(ask: &Ask, line: &mut Vec<u8>, byte: u8) -> Result<()> {
    if line.len() == ask.max_len {
        return Err(anyhow!(
            "that is longer than any {} ({} characters or more); {}",
            ask.name,
            ask.max_len,
            ask.how
        ));
    }
    line.push(byte);
    Ok(())
}

/// Standard input without std's buffer, which would keep a copy of what it read for the
/// life of the process; a byte at a time, so nothing past the line is taken either.
#[cfg(unix)]
fn unbuffered_stdin() -> std::io::Result<File> {
    use std::os::fd::AsFd;
    Ok(File::from(std::io::stdin().as_fd().try_clone_to_owned()?))
}

#[cfg(windows)]
fn unbuffered_stdin() -> std::io::Result<File> {
    use std::os::windows::io::AsHandle;
    Ok(File::from(
        std::io::stdin().as_handle().try_clone_to_owned()?,
    ))
}

#[cfg(unix)]
mod hidden {
    //! The prompt: the terminal shows nothing of what is typed. It is switched out of
    //! line mode so that the interrupt key (Ctrl-C) reaches us as a byte and ends the
    //! prompt with the terminal put back, instead of killing the process with echo off;
    //! erase and kill (Ctrl-U) still work.

    use std::io::{Read, Write};
    use std::os::fd::{AsFd, BorrowedFd};

    use anyhow::{Result, anyhow};
    use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};
    use zeroize::Zeroizing;

    use super::{Ask, push, unbuffered_stdin};

    /// Puts the terminal back as it was, however the prompt ends.
    struct Restore<'a> {
        fd: BorrowedFd<'a>,
        before: Termios,
    }

    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = termios::tcsetattr(self.fd, OptionalActions::Now, &self.before);
            // Enter was not echoed either: end the prompt's line.
            eprintln!();
        }
    }

    pub(super) fn read_line(ask: &Ask) -> Result<Zeroizing<Vec<u8>>> {
        let stdin = std::io::stdin();
        let fd = stdin.as_fd();
        let before = termios::tcgetattr(fd)?;
        let code = |i: SpecialCodeIndex| before.special_codes[i];
        let (interrupt, end, erase, kill) = (
            code(SpecialCodeIndex::VINTR),
            code(SpecialCodeIndex::VEOF),
            code(SpecialCodeIndex::VERASE),
            code(SpecialCodeIndex::VKILL),
        );
        let mut quiet = before.clone();
        quiet.local_modes.remove(
            LocalModes::ECHO
                | LocalModes::ECHONL
                | LocalModes::ICANON
                | LocalModes::ISIG
                | LocalModes::IEXTEN,
        );
        quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
        quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
        // Flush: anything typed before the prompt was echoed; it is dropped, not read.
        termios::tcsetattr(fd, OptionalActions::Flush, &quiet)?;
        let _restore = Restore { fd, before };
        eprint!("{}", ask.prompt);
        let _ = std::io::stderr().flush();

        let mut input = unbuffered_stdin()?;
        let mut line = Zeroizing::new(Vec::with_capacity(ask.max_len));
        let mut byte = Zeroizing::new([0u8; 1]);
        loop {
            if input.read(&mut *byte)? == 0 {
                break;
            }
            match byte[0] {
                b'\r' | b'\n' => break,
                b if b == interrupt => return Err(anyhow!("cancelled; nothing was changed")),
                b if b == end && line.is_empty() => break,
                // Some terminals send Backspace as DEL whatever VERASE says.
                b if b == erase || b == 0x7f || b == 0x08 => {
                    line.pop();
                }
                b if b == kill => line.clear(),
                // Other control keys (arrows, Tab…) are not part of a key.
                b if b < 0x20 => {}
                b => push(ask, &mut line, b)?,
            }
        }
        Ok(line)
    }
}

#[cfg(not(unix))]
mod hidden {
    use anyhow::{Result, anyhow};
    use zeroize::Zeroizing;

    use super::Ask;

    pub(super) fn read_line(ask: &Ask) -> Result<Zeroizing<Vec<u8>>> {
        Err(anyhow!(
            "this terminal cannot hide what you type here; pipe the {} instead ({})",
            ask.name,
            ask.how
        ))
    }
}
