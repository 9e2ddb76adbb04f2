//! The grounding widget's state: which image (an example, or the size of the user's own), the
//! scheme drawn, the schemes' settings and the regions of interest. The user's pixels are never
//! in the state: links carry only the image's size.

use frontier_grounding::roi::{Region, RoiEncoder, MAX_REGIONS};
use frontier_grounding::schemes::{Scheme, Settings};
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

/// A bundled example image: an SVG drawn for this site.
pub struct Example {
    pub id: &'static str,
    pub label: &'static str,
    pub url: &'static str,
    pub width: u32,
    pub height: u32,
    /// Where its interesting small details are, as starting regions.
    pub regions: &'static [(f64, f64, f64, f64)],
}

pub const EXAMPLES: [Example; 3] = [
    Example {
        id: "street",
        label: "Street, 1920×1080 (the article's 1080p)",
        url: "./examples/street-1920x1080.svg",
        width: 1920,
        height: 1080,
        regions: &[(820.0, 640.0, 300.0, 120.0), (200.0, 650.0, 160.0, 70.0)],
    },
    Example {
        id: "page",
        label: "A4 page at 300 dpi, 2480×3508",
        url: "./examples/page-a4-300dpi.svg",
        width: 2480,
        height: 3508,
        regions: &[(180.0, 3340.0, 1500.0, 60.0)],
    },
    Example {
        id: "phone",
        label: "Phone screenshot, 1170×2532",
        url: "./examples/phone-1170x2532.svg",
        width: 1170,
        height: 2532,
        regions: &[(0.0, 30.0, 300.0, 90.0)],
    },
];

pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ImageChoice {
    Example {
        id: String,
    },
    /// The user's image: its name and size. The pixels stay in this browser only.
    Upload {
        name: String,
        width: u32,
        height: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroundingState {
    pub image: ImageChoice,
    /// The scheme whose grid is drawn.
    pub scheme: Scheme,
    pub settings: Settings,
    pub roi: RoiEncoder,
    pub regions: Vec<Region>,
}

impl GroundingState {
    pub fn example() -> Self {
        Self::for_example(&EXAMPLES[0])
    }

    pub fn for_example(e: &Example) -> Self {
        GroundingState {
            image: ImageChoice::Example { id: e.id.into() },
            scheme: Scheme::Clip336Crop,
            settings: Settings::default(),
            roi: RoiEncoder::ARTICLE,
            regions: e.regions.iter().map(|&(x, y, width, height)| Region { x, y, width, height }).collect(),
        }
    }

    /// The image's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        match &self.image {
            ImageChoice::Example { id } => example(id).map_or((1920, 1080), |e| (e.width, e.height)),
            ImageChoice::Upload { width, height, .. } => (*width, *height),
        }
    }
}

impl WidgetState for GroundingState {
    const WIDGET_ID: &'static str = "grounding";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        match &self.image {
            ImageChoice::Example { id } => {
                example(id).ok_or_else(|| format!("image: unknown example {id:?}"))?;
            }
            ImageChoice::Upload { width, height, .. } => {
                if *width == 0 || *height == 0 || *width > 100_000 || *height > 100_000 {
                    return Err(format!("image: {width}×{height} is not a size this widget plans"));
                }
            }
        }
        if self.regions.len() > MAX_REGIONS {
            return Err(format!("regions: at most {MAX_REGIONS}"));
        }
        let (w, h) = self.size();
        self.scheme.plan(w, h, &self.settings).map_err(|e| e.to_string())?;
        frontier_grounding::roi::plan(w, h, self.roi, &self.regions).map_err(|e| e.to_string())?;
        Ok(())
    }
}

impl Lab for GroundingState {
    /// The drawn scheme's plan for the image's size, and the region-of-interest plan's total.
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let (width, height) = self.size();
        let plan = self.scheme.plan(width, height, &self.settings).map_err(|e| e.to_string())?;
        let mut out = vec![
            Measurement::new("width", "Image width", f64::from(width), "px"),
            Measurement::new("height", "Image height", f64::from(height), "px"),
            Measurement::new("tokens", "Visual tokens", f64::from(plan.tokens), "tokens"),
            Measurement::new("grid_columns", "Patch grid columns", f64::from(plan.grid.0), "patches"),
            Measurement::new("grid_rows", "Patch grid rows", f64::from(plan.grid.1), "patches"),
            Measurement::new("pixels_per_token_x", "Image pixels per token, across", plan.pixels_per_token.0, "px"),
            Measurement::new("pixels_per_token_y", "Image pixels per token, down", plan.pixels_per_token.1, "px"),
            Measurement::new("cropped_fraction", "Share of the image cropped away", plan.cropped_fraction, "fraction"),
            Measurement::new("padded_fraction", "Share of the input that is padding", plan.padded_fraction, "fraction"),
        ];
        if let Ok(roi) = frontier_grounding::roi::plan(width, height, self.roi, &self.regions) {
            out.push(Measurement::new(
                "roi_tokens",
                "Tokens with the regions of interest",
                f64::from(roi.total_tokens),
                "tokens",
            ));
        }
        Ok(out)
    }
}
