//! An image's size in pixels, read from its header before anything decodes it: a 20 KB file can
//! declare 60,000 × 60,000 pixels (14 GB decoded), so uploads are judged by what they declare,
//! not by their size on disk. PNG, JPEG, GIF, WebP and BMP; SVG has no pixel size of its own.

/// The most pixels an image may declare: 100 megapixels (a 400 MB RGBA bitmap once decoded).
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// The bytes of the file's start that [`declared_size`] needs at most: a JPEG's frame header
/// can follow up to 64 KB of EXIF data per segment, and a few segments.
pub const HEADER_BYTES: usize = 1 << 20;

/// What the header says, or why it says nothing usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("not a PNG, JPEG, GIF, WebP or BMP file (it starts {0})")]
    UnknownFormat(String),
    #[error("the {format} header ends early (byte {at})")]
    Truncated { format: &'static str, at: usize },
    #[error("the {format} header is malformed at byte {at}: {message}")]
    Malformed { format: &'static str, at: usize, message: &'static str },
    #[error("the image declares {width} × {height} pixels ({pixels} in all); at most {MAX_IMAGE_PIXELS} are read", pixels = u64::from(*.width) * u64::from(*.height))]
    TooManyPixels { width: u32, height: u32 },
}

/// The format and declared size of an image whose file starts with `head`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    pub format: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Reads the declared size from the start of the file (at most [`HEADER_BYTES`] are needed),
/// refusing zero sizes and more than [`MAX_IMAGE_PIXELS`].
pub fn declared_size(head: &[u8]) -> Result<Declared, HeaderError> {
    let declared = if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(head)?
    } else if head.starts_with(&[0xff, 0xd8]) {
        jpeg(head)?
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Declared { format: "GIF", width: u32::from(le16(head, 6, "GIF")?), height: u32::from(le16(head, 8, "GIF")?) }
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        webp(head)?
    } else if head.starts_with(b"BM") {
        bmp(head)?
    } else {
        let start: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return Err(HeaderError::UnknownFormat(start.join(" ")));
    };
    if declared.width == 0 || declared.height == 0 {
        return Err(HeaderError::Malformed { format: declared.format, at: 0, message: "a side of zero pixels" });
    }
    if u64::from(declared.width) * u64::from(declared.height) > MAX_IMAGE_PIXELS {
        return Err(HeaderError::TooManyPixels { width: declared.width, height: declared.height });
    }
    Ok(declared)
}

fn bytes<'a>(head: &'a [u8], at: usize, n: usize, format: &'static str) -> Result<&'a [u8], HeaderError> {
    head.get(at..at.saturating_add(n)).ok_or(HeaderError::Truncated { format, at: head.len() })
}

fn be16(head: &[u8], at: usize, format: &'static str) -> Result<u16, HeaderError> {
    let b = bytes(head, at, 2, format)?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

fn le16(head: &[u8], at: usize, format: &'static str) -> Result<u16, HeaderError> {
    let b = bytes(head, at, 2, format)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn be32(head: &[u8], at: usize, format: &'static str) -> Result<u32, HeaderError> {
    let b = bytes(head, at, 4, format)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn le32(head: &[u8], at: usize, format: &'static str) -> Result<u32, HeaderError> {
    let b = bytes(head, at, 4, format)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// PNG: the IHDR chunk comes first, width and height big-endian at bytes 16 and 20.
fn png(head: &[u8]) -> Result<Declared, HeaderError> {
    if bytes(head, 12, 4, "PNG")? != b"IHDR" {
        return Err(HeaderError::Malformed { format: "PNG", at: 12, message: "the first chunk is not IHDR" });
    }
    Ok(Declared { format: "PNG", width: be32(head, 16, "PNG")?, height: be32(head, 20, "PNG")? })
}

/// JPEG: segments from byte 2 until a start-of-frame marker (C0–CF but C4, C8 and CC), whose
/// height and width are big-endian at +5 and +7.
fn jpeg(head: &[u8]) -> Result<Declared, HeaderError> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xff bytes.
        while bytes(head, at, 1, "JPEG")?[0] == 0xff && bytes(head, at + 1, 1, "JPEG")?[0] == 0xff {
            at += 1;
        }
        if bytes(head, at, 1, "JPEG")?[0] != 0xff {
            return Err(HeaderError::Malformed { format: "JPEG", at, message: "expected a segment marker" });
        }
        let marker = bytes(head, at + 1, 1, "JPEG")?[0];
        match marker {
            // Markers without a length: TEM, RST0–7, SOI.
            0x01 | 0xd0..=0xd8 => at += 2,
            0xd9 | 0xda => {
                return Err(HeaderError::Malformed {
                    format: "JPEG",
                    at,
                    message: "the image data starts before any frame header",
                })
            }
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                return Ok(Declared {
                    format: "JPEG",
                    height: u32::from(be16(head, at + 5, "JPEG")?),
                    width: u32::from(be16(head, at + 7, "JPEG")?),
                });
            }
            _ => {
                let length = usize::from(be16(head, at + 2, "JPEG")?);
                if length < 2 {
                    return Err(HeaderError::Malformed {
                        format: "JPEG",
                        at: at + 2,
                        message: "a segment shorter than its length field",
                    });
                }
                at += 2 + length;
            }
        }
    }
}

/// WebP: a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk at byte 12.
fn webp(head: &[u8]) -> Result<Declared, HeaderError> {
    let chunk = bytes(head, 12, 4, "WebP")?;
    let (width, height) = match chunk {
        b"VP8 " => {
            // A key frame: start code 9d 01 2a at 23, then 14-bit width and height.
            if bytes(head, 23, 3, "WebP")? != [0x9d, 0x01, 0x2a] {
                return Err(HeaderError::Malformed { format: "WebP", at: 23, message: "no VP8 key-frame start code" });
            }
            (u32::from(le16(head, 26, "WebP")? & 0x3fff), u32::from(le16(head, 28, "WebP")? & 0x3fff))
        }
        b"VP8L" => {
            if bytes(head, 20, 1, "WebP")?[0] != 0x2f {
                return Err(HeaderError::Malformed { format: "WebP", at: 20, message: "no VP8L signature" });
            }
            let bits = le32(head, 21, "WebP")?;
            ((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
        }
        b"VP8X" => {
            let b = bytes(head, 24, 6, "WebP")?;
            let w = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
            let h = u32::from(b[3]) | u32::from(b[4]) << 8 | u32::from(b[5]) << 16;
            (w + 1, h + 1)
        }
        _ => return Err(HeaderError::Malformed { format: "WebP", at: 12, message: "an unknown first chunk" }),
    };
    Ok(Declared { format: "WebP", width, height })
}

/// BMP: a BITMAPCOREHEADER (12 bytes, 16-bit sides) or a later header (32-bit signed sides; a
/// negative height means rows stored top-down).
fn bmp(head: &[u8]) -> Result<Declared, HeaderError> {
    let dib = le32(head, 14, "BMP")?;
    let (width, height) = if dib == 12 {
        (u32::from(le16(head, 18, "BMP")?), u32::from(le16(head, 20, "BMP")?))
    } else {
        let w = le32(head, 18, "BMP")? as i32;
        let h = le32(head, 22, "BMP")? as i32;
        if w < 0 {
            return Err(HeaderError::Malformed { format: "BMP", at: 18, message: "a negative width" });
        }
        (w.unsigned_abs(), h.unsigned_abs())
    };
    Ok(Declared { format: "BMP", width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header of `w` × `h` (the signature and IHDR; nothing after is needed).
    fn png_head(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn each_format_gives_its_declared_size() {
        assert_eq!(declared_size(&png_head(1920, 1080)), Ok(Declared { format: "PNG", width: 1920, height: 1080 }));
        let gif = b"GIF89a\x80\x02\xe0\x01\0\0";
        assert_eq!(declared_size(gif).map(|d| (d.width, d.height)), Ok((640, 480)));
        // JPEG: SOI, an APP0 segment of 16 bytes, then SOF0 with height 1080 and width 1920.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
        jpeg.extend([0u8; 14]);
        jpeg.extend([0xff, 0xc0, 0x00, 0x11, 0x08, 0x04, 0x38, 0x07, 0x80, 0x03]);
        assert_eq!(declared_size(&jpeg).map(|d| (d.format, d.width, d.height)), Ok(("JPEG", 1920, 1080)));
        // WebP VP8X: sides stored minus one, 24-bit little-endian.
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend([0x7f, 0x07, 0x00, 0x37, 0x04, 0x00]);
        assert_eq!(declared_size(&webp).map(|d| (d.width, d.height)), Ok((1920, 1080)));
        // WebP VP8L: 14-bit sides minus one after the 0x2f signature: 1920 and 1080.
        let bits: u32 = (1920 - 1) | ((1080 - 1) << 14);
        let mut lossless = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        lossless.extend(bits.to_le_bytes());
        assert_eq!(declared_size(&lossless).map(|d| (d.width, d.height)), Ok((1920, 1080)));
        // BMP with a BITMAPINFOHEADER and a top-down (negative) height.
        let mut bmp = b"BM".to_vec();
        bmp.extend([0u8; 12]);
        bmp.extend(40u32.to_le_bytes());
        bmp.extend(800i32.to_le_bytes());
        bmp.extend((-600i32).to_le_bytes());
        assert_eq!(declared_size(&bmp).map(|d| (d.width, d.height)), Ok((800, 600)));
    }

    #[test]
    fn huge_declared_sizes_are_refused_before_decoding() {
        // A 60,000 × 60,000 PNG header: 33 bytes that would decode to 14.4 GB.
        let refused = declared_size(&png_head(60_000, 60_000));
        assert_eq!(refused, Err(HeaderError::TooManyPixels { width: 60_000, height: 60_000 }));
        assert!(refused.err().map(|e| e.to_string()).unwrap_or_default().contains("3600000000 in all"));
        assert_eq!(declared_size(&png_head(10_000, 10_000)).map(|d| d.width), Ok(10_000), "100 MP exactly is allowed");
        assert!(matches!(declared_size(&png_head(0, 10)), Err(HeaderError::Malformed { .. })));
    }

    #[test]
    fn truncated_and_unknown_files_say_where() {
        assert_eq!(declared_size(&png_head(5, 5)[..18]), Err(HeaderError::Truncated { format: "PNG", at: 18 }));
        assert!(matches!(declared_size(b"hello world"), Err(HeaderError::UnknownFormat(s)) if s.starts_with("68 65")));
        // A JPEG whose segment lengths lead past the end, and one with a zero length.
        assert!(matches!(declared_size(&[0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0]), Err(HeaderError::Truncated { .. })));
        assert!(matches!(declared_size(&[0xff, 0xd8, 0xff, 0xe1, 0, 0, 0, 0]), Err(HeaderError::Malformed { .. })));
    }

    proptest::proptest! {
        /// Any bytes after any signature give a size or an error, never a panic or a loop.
        #[test]
        fn arbitrary_bytes_never_panic(prefix in 0usize..6, body in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let signatures: [&[u8]; 6] = [b"\x89PNG\r\n\x1a\n", &[0xff, 0xd8], b"GIF89a", b"RIFF\0\0\0\0WEBP", b"BM", b""];
            let mut head = signatures[prefix].to_vec();
            head.extend(body);
            let _ = declared_size(&head);
        }
    }
}
