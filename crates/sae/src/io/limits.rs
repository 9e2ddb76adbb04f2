//! The largest upload the page will parse: the whole file sits in wasm memory (4 GB at most, and
//! the parsed copy needs as much again), so a bound keeps a big file from crashing the tab.

use super::InputError;

/// The project's one upload limit (512 MiB: room for about a million f32 activations of width 128).
pub use frontier_base::limits::MAX_UPLOAD_BYTES;

/// `Err(TooLarge)` when `bytes` is over [`MAX_UPLOAD_BYTES`].
pub fn check_size(bytes: u64) -> Result<(), InputError> {
    if bytes > MAX_UPLOAD_BYTES {
        return Err(InputError::TooLarge { bytes, limit: MAX_UPLOAD_BYTES });
    }
    Ok(())
}

/// [`check_size`] for an in-memory buffer.
pub(crate) fn check_len(len: usize) -> Result<(), InputError> {
    check_size(u64::try_from(len).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_itself_is_allowed() {
        assert!(check_size(MAX_UPLOAD_BYTES).is_ok());
        assert!(matches!(check_size(MAX_UPLOAD_BYTES + 1), Err(InputError::TooLarge { .. })));
    }
}
