//! How vision encoders tokenize an image of a given size, following each processor's code:
//! the resize, the tiles, the token count, how many original pixels one token covers, and
//! what is cropped away or padded. Pure arithmetic on sizes; the app draws the grids.
//! `image_header` reads an uploaded image's declared size before anything decodes it.

pub mod anchors;
pub mod encoders;
pub mod image_header;
pub mod roi;
pub mod schemes;

pub use encoders::{Plan, PlanError, Resize, Tile};
