//! What a process holding Comeback's secrets does to itself before anything else: no core
//! dumps. A crash must not write the memory of a process that holds the database key, the
//! device key and the decrypted journal to a core file (or hand it to a crash collector),
//! where it would outlive the process, unencrypted. Both fronts call [`no_core_dumps`]
//! first thing in `main`.
//!
//! On Unix the core file size limit goes to 0, soft and hard, so neither this process nor
//! anything it starts can raise it again. On Linux the process is also marked not
//! dumpable (`PR_SET_DUMPABLE` 0), which covers what the limit does not: a `core_pattern`
//! that pipes cores to a collector ignores the limit, and a process of the same user
//! can no longer attach a debugger to it (`ptrace`) or read `/proc/PID/mem`. Its
//! `/proc/PID` files then belong to root; the process itself still reads its own. Other
//! systems: nothing to do here.

use std::io;

/// Turns core dumps off for this process (and, through the limit, for what it starts).
pub fn no_core_dumps() -> io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        )?;
    }
    #[cfg(target_os = "linux")]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    Ok(())
}
