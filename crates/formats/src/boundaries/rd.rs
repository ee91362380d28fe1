//! RD New (Rijksdriehoeksstelsel, EPSG:28992) to WGS84 longitude/latitude.
//!
//! The PROJ definition EPSG publishes for 28992: the oblique stereographic
//! projection on the Bessel ellipsoid around Amersfoort, with the seven
//! parameter shift to WGS84. That is accurate to about a metre, which is the
//! same order as the official RDNAPTRANS grid correction and far below what
//! a choropleth shows, so no grid file has to ship.

use proj4rs::Proj;

const RD_NEW: &str = "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 \
    +x_0=155000 +y_0=463000 +ellps=bessel \
    +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs";
const WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

pub struct RdToWgs84 {
    rd: Proj,
    wgs84: Proj,
}

impl Default for RdToWgs84 {
    fn default() -> Self {
        Self::new()
    }
}

impl RdToWgs84 {
    pub fn new() -> RdToWgs84 {
        RdToWgs84 {
            rd: Proj::from_proj_string(RD_NEW).expect("the EPSG:28992 definition parses"),
            wgs84: Proj::from_proj_string(WGS84).expect("the WGS84 definition parses"),
        }
    }

    /// `(x, y)` in metres to `(longitude, latitude)` in degrees.
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        let (lon, lat) = proj4rs::adaptors::transform_xy(&self.rd, &self.wgs84, x, y).map_err(|e| e.to_string())?;
        Ok((lon.to_degrees(), lat.to_degrees()))
    }
}
