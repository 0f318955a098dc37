//! The file-system edge: every file the program reads from outside and every file
//! it writes goes through here. Reads are bounded and refuse what is not a regular
//! file (a fifo would block forever, `/dev/zero` would never end); writes are atomic
//! and refuse to replace a device, a fifo, a folder or a read-only file. In the
//! browser there is no file system: reads come from the content the server
//! offered (see `platform`), and writes go to browser storage instead.

use std::io::{self, Write};
use std::path::Path;
#[cfg(not(target_arch = "wasm32"))]
use std::{
    fs::{File, Metadata},
    io::Read,
};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// A fifo, device, socket or folder: reading it could block or never end.
    NotAFile(&'static str),
    /// More than the limit: only the limit plus one byte was read.
    TooBig {
        limit: usize,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read the file: {e}"),
            ReadError::NotAFile(kind) => write!(
                f,
                "cannot read the file: it is {kind}, not a regular file; give the path of a file"
            ),
            ReadError::TooBig { limit } => {
                write!(f, "the file is larger than the limit of {limit} bytes")
            }
        }
    }
}

/// Reads at most `limit` bytes of a regular file; anything else is refused before
/// a byte is read, and without blocking.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    // The target's type (symlinks followed), before opening: opening a device can
    // have effects of its own.
    refuse_unless_file(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = open_without_blocking(path).map_err(ReadError::Io)?;
    // Checked again on the open file: the path may have been swapped in between.
    refuse_unless_file(&file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > limit {
        return Err(ReadError::TooBig { limit });
    }
    Ok(bytes)
}

/// The browser's files are the ones the server offered.
#[cfg(target_arch = "wasm32")]
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    crate::platform::read_served(path, limit)
}

#[cfg(not(target_arch = "wasm32"))]
fn refuse_unless_file(meta: &Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(ReadError::NotAFile(kind_of(meta)))
    }
}

/// Opening a fifo for reading waits for a writer unless it is non-blocking; on a
/// regular file the flag changes nothing.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(all(not(unix), not(target_arch = "wasm32")))]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// "a fifo", "a character device", … for messages.
#[cfg(not(target_arch = "wasm32"))]
fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a fifo (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Writes `bytes` to `path` atomically: see [`write_atomically_with`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// Writes a file so that a crash or a kill never leaves it half-written: `fill`
/// writes into a temporary file with an unpredictable name, created exclusively in
/// the target's folder (so a planted symlink cannot redirect it); the file is
/// flushed to disk and renamed over the target, and the folder is flushed too.
///
/// An existing target keeps its permission bits (not its owner). A target that is
/// not a regular file (a device, a fifo, a folder) or is read-only is refused with
/// a message and left as it is. A failed write removes its temporary file; only a
/// kill in the middle of writing (SIGKILL, or a signal with no handler) can leave a
/// `.NAME.*.tmp` file beside the target.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let existing = match std::fs::metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "it is {}, not a regular file; refusing to replace it",
                    kind_of(meta)
                ),
            ));
        }
        if meta.permissions().readonly() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the file is read-only; make it writable or write somewhere else",
            ));
        }
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A new file gets the usual mode (0666 less the umask), not tempfile's 0600.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Some(meta) = &existing {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    {
        let mut out = io::BufWriter::new(tmp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_folder(dir)
}

/// The browser has no files to write: saves and settings go to browser storage
/// and records are downloaded, through `platform`.
#[cfg(target_arch = "wasm32")]
pub fn write_atomically_with(
    path: &Path,
    _fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{}: the browser has no file system", path.display()),
    ))
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(all(not(unix), not(target_arch = "wasm32")))]
fn sync_folder(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ce-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo {}", path.display());
    }

    #[test]
    fn reads_a_file_up_to_the_limit_and_no_further() {
        let dir = scratch("limit");
        let path = dir.join("a.ron");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_bounded(&path, 4),
            Err(ReadError::TooBig { limit: 4 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_without_blocking() {
        let dir = scratch("fifo");
        let fifo = dir.join("pipe.ron");
        mkfifo(&fifo);
        let link = dir.join("zero.ron");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        for (path, kind) in [
            (fifo.as_path(), "fifo"),
            (Path::new("/dev/zero"), "character device"),
            (link.as_path(), "character device"),
            (dir.as_path(), "folder"),
        ] {
            let e = read_bounded(path, 1 << 20).unwrap_err().to_string();
            assert!(e.contains(kind), "{}: {e}", path.display());
        }
    }

    #[test]
    fn a_write_replaces_the_file_and_leaves_nothing_else() {
        let dir = scratch("write");
        let path = dir.join("out.ron");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(names_in(&dir), ["out.ron"]);
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_no_temporary_file() {
        let dir = scratch("failed");
        let path = dir.join("out.ron");
        std::fs::write(&path, b"before").unwrap();
        let e = write_atomically_with(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk on fire"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk on fire");
        assert_eq!(std::fs::read(&path).unwrap(), b"before");
        assert_eq!(names_in(&dir), ["out.ron"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_write_keeps_the_mode_and_refuses_read_only_targets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let path = dir.join("shared.csv");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);

        let locked = dir.join("locked.csv");
        std::fs::write(&locked, b"keep me").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = write_atomically(&locked, b"overwrite").unwrap_err();
        assert!(e.to_string().contains("read-only"), "{e}");
        assert_eq!(std::fs::read(&locked).unwrap(), b"keep me");
        let mode = std::fs::metadata(&locked).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
        assert_eq!(names_in(&dir), ["locked.csv", "shared.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_write_refuses_a_fifo_a_device_or_a_folder() {
        use std::os::unix::fs::FileTypeExt;
        let dir = scratch("special");
        let fifo = dir.join("pipe.csv");
        mkfifo(&fifo);
        let folder = dir.join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        let mut targets = vec![(fifo.clone(), "fifo"), (folder.clone(), "folder")];
        // /dev/null can only be replaced by root; as anyone else the rename fails
        // anyway, so the device case proves something only when run as root.
        let root = std::fs::metadata("/proc/self")
            .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
            .unwrap_or(false);
        if root {
            targets.push((PathBuf::from("/dev/null"), "character device"));
        }
        for (path, kind) in targets {
            let e = write_atomically(&path, b"x").unwrap_err().to_string();
            assert!(e.contains(kind), "{}: {e}", path.display());
        }
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(std::fs::metadata(&folder).unwrap().is_dir());
        if root {
            let null = std::fs::metadata("/dev/null").unwrap();
            assert!(null.file_type().is_char_device());
        }
        assert_eq!(names_in(&dir), ["folder.csv", "pipe.csv"]);
    }
}
