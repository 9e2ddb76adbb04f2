//! Size limits shared by every reader of user input, and allocation that fails with an error
//! instead of aborting the process (or killing the browser tab).

/// The largest upload any lab parses: the file (or the part of it read so far) and its parsed
/// copy both sit in wasm memory, which is 4 GiB at most.
pub const MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;

/// A request for more memory than a limit allows, or than the allocator could give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("{what} needs {} but at most {} is allowed", human_bytes(*needed_bytes), human_bytes(*limit_bytes))]
    OverLimit { what: String, needed_bytes: u64, limit_bytes: u64 },
    #[error("{what} needs {} and the memory could not be had", human_bytes(*needed_bytes))]
    OutOfMemory { what: String, needed_bytes: u64 },
}

/// `Err` when `bytes` is over [`MAX_UPLOAD_BYTES`].
pub fn check_upload(what: &str, bytes: u64) -> Result<(), LimitError> {
    check_bytes(what, bytes, MAX_UPLOAD_BYTES)
}

/// `Err` when `bytes` is over `limit_bytes`.
pub fn check_bytes(what: &str, bytes: u64, limit_bytes: u64) -> Result<(), LimitError> {
    if bytes > limit_bytes {
        return Err(LimitError::OverLimit { what: what.to_owned(), needed_bytes: bytes, limit_bytes });
    }
    Ok(())
}

/// A vector of `len` copies of `value`, or an error when the size overflows or the allocator
/// refuses: never an abort.
pub fn try_filled<T: Clone>(what: &str, len: usize, value: T) -> Result<Vec<T>, LimitError> {
    let needed_bytes = (len as u64).saturating_mul(std::mem::size_of::<T>() as u64);
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| LimitError::OutOfMemory { what: what.to_owned(), needed_bytes })?;
    out.resize(len, value);
    Ok(out)
}

/// Bytes in binary units for messages ("512.0 MiB").
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_itself_is_allowed() {
        assert!(check_upload("the file", MAX_UPLOAD_BYTES).is_ok());
        let err = check_upload("the file", MAX_UPLOAD_BYTES + 1).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("the file needs 512.0 MiB but at most 512.0 MiB is allowed"));
    }

    #[test]
    fn an_impossible_allocation_is_an_error() {
        // 2^61 f64 values are 16 EiB: no allocator gives that, and capacity overflow is caught too.
        assert!(matches!(try_filled("the matrix", 1usize << 61, 0.0f64), Err(LimitError::OutOfMemory { .. })));
        assert_eq!(try_filled("the row", 3, 1u8).ok(), Some(vec![1, 1, 1]));
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(1023), "1023 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
    }
}
