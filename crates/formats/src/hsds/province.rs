//! The province of a Dutch address, for HSDS's required
//! `address.state_province`. wijkregie keeps no province with an address,
//! and a region's demo data is fictional, but the postcode says where an
//! address lies: PostNL hands out PC4 areas in blocks that follow the
//! provinces. The blocks below are the main ones; a few border villages
//! have a postcode of the neighbouring province's block, so this is the
//! province of the postcode area, which is what a reader of the export
//! needs to place the address.

use wijkregie_core::codes::Postcode;

/// PC4 ranges (first, last) and their province, in ascending order.
const BLOCKS: &[(u16, u16, &str)] = &[
    (1000, 1299, "Noord-Holland"),
    (1300, 1379, "Flevoland"),
    (1380, 2159, "Noord-Holland"),
    (2160, 3399, "Zuid-Holland"),
    (3400, 3769, "Utrecht"),
    (3770, 3794, "Gelderland"),
    (3795, 3999, "Utrecht"),
    (4000, 4119, "Gelderland"),
    (4120, 4199, "Utrecht"),
    (4200, 4249, "Zuid-Holland"),
    (4250, 4299, "Noord-Brabant"),
    (4300, 4599, "Zeeland"),
    (4600, 5299, "Noord-Brabant"),
    (5300, 5339, "Gelderland"),
    (5340, 5765, "Noord-Brabant"),
    (5766, 6499, "Limburg"),
    (6500, 7399, "Gelderland"),
    (7400, 7799, "Overijssel"),
    (7800, 7999, "Drenthe"),
    (8000, 8199, "Overijssel"),
    (8200, 8259, "Flevoland"),
    (8260, 8299, "Overijssel"),
    (8300, 8329, "Flevoland"),
    (8330, 8399, "Overijssel"),
    (8400, 9299, "Friesland"),
    (9300, 9349, "Drenthe"),
    (9350, 9399, "Groningen"),
    (9400, 9499, "Drenthe"),
    (9500, 9999, "Groningen"),
];

/// The province of the postcode's PC4 area.
pub fn province(postcode: &Postcode) -> &'static str {
    let pc4: u16 = postcode.as_str().get(..4).and_then(|d| d.parse().ok()).unwrap_or(0);
    BLOCKS.iter().find(|(first, last, _)| (*first..=*last).contains(&pc4)).map_or("Nederland", |(_, _, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_name_their_province() {
        let of = |pc: &str| province(&pc.parse().unwrap());
        assert_eq!(of("1215EK"), "Noord-Holland");
        assert_eq!(of("3512AB"), "Utrecht");
        assert_eq!(of("1315AA"), "Flevoland");
        assert_eq!(of("6211AA"), "Limburg");
        assert_eq!(of("9711AA"), "Groningen");
        assert_eq!(of("8911AA"), "Friesland");
        assert_eq!(of("2511AA"), "Zuid-Holland");
        let mut last = 999;
        for (first, end, _) in BLOCKS {
            assert_eq!(*first, last + 1, "the blocks cover every PC4 without gaps");
            last = *end;
        }
        assert_eq!(last, 9999);
    }
}
