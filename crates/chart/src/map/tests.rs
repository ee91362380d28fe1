//! The choropleth read back as XML: classes, textures, unknown values,
//! titles, the table, and simplification for the viewport.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use wijkregie_core::population::Number;

use super::*;

fn square(x: f64, y: f64, size: f64, points_per_side: usize) -> Polygon<f64> {
    let mut coords = Vec::new();
    let corners = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)];
    for w in corners.windows(2) {
        for i in 0..points_per_side {
            let t = i as f64 / points_per_side as f64;
            coords.push(Coord { x: w[0].0 + (w[1].0 - w[0].0) * t, y: w[0].1 + (w[1].1 - w[0].1) * t });
        }
    }
    coords.push(coords[0]);
    Polygon::new(LineString(coords), vec![])
}

fn area(code: &str, name: &str, x: f64, value: Option<i64>) -> MapArea {
    MapArea {
        code: code.into(),
        name: name.into(),
        geometry: MultiPolygon(vec![square(5.0 + x, 52.0, 0.01, 1)]),
        value: value.map(Number::from_int),
    }
}

fn map(areas: Vec<MapArea>) -> Choropleth {
    Choropleth {
        id: "kaart".into(),
        title: "Inwoners van 65 jaar en ouder per wijk".into(),
        legend_title: "65 jaar en ouder".into(),
        unit: "%".into(),
        areas,
        subject: None,
    }
}

fn n(v: i64) -> Option<Number> {
    Some(Number::from_int(v))
}

#[test]
fn quantile_classes_keep_equal_values_together() {
    let c = classify(&[n(1), n(2), n(3), n(4), n(5), n(6), n(7), n(8), n(9), n(10), None]);
    assert_eq!(c.classes.len(), 5);
    assert_eq!(c.unknown, 1);
    assert_eq!(c.classes.iter().map(|k| k.count).collect::<Vec<_>>(), [2, 2, 2, 2, 2]);
    assert_eq!(c.class_of(n(1)), Some(0));
    assert_eq!(c.class_of(n(10)), Some(4));
    assert_eq!(c.class_of(None), None);

    let ties = classify(&[n(0), n(0), n(0), n(0), n(7)]);
    assert_eq!(ties.classes.len(), 2, "{ties:?}");
    assert_eq!((ties.classes[0].range_text(), ties.classes[1].range_text()), ("0".into(), "7".into()));

    let none = classify(&[None, None]);
    assert!(none.classes.is_empty());
    assert_eq!(none.unknown, 2);
}

#[test]
fn areas_get_class_textures_titles_and_unknown_is_hatched_not_zero() {
    let m = map(vec![
        area("WK199101", "Binnenstad", 0.00, Some(0)),
        area("WK199102", "Havenkwartier", 0.01, Some(10)),
        area("WK199103", "Lindenpark", 0.02, Some(20)),
        area("WK199104", "Molenkamp", 0.03, None),
    ]);
    let svg = choropleth_svg(&m);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("aria-labelledby"), Some("kaart-title kaart-desc"));
    let desc = doc.descendants().find(|n| n.attribute("id") == Some("kaart-desc")).unwrap().text().unwrap();
    assert!(desc.contains("Hoogste: Lindenpark (20%)"), "{desc}");
    assert!(desc.contains("Van 1 gebieden is de waarde onbekend"), "{desc}");

    let paths: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("d").is_some_and(|d| d.starts_with('M')))
        .collect();
    let fill_of = |name: &str| {
        let p = paths
            .iter()
            .find(|p| p.children().any(|c| c.has_tag_name("title") && c.text().unwrap_or("").starts_with(name)))
            .unwrap_or_else(|| panic!("{name} has a path with a title"));
        p.parent().unwrap().attribute("fill").unwrap().to_owned()
    };
    assert_eq!(fill_of("Binnenstad"), "url(#kaart-c0)", "zero is a value, the lowest class");
    assert_eq!(fill_of("Lindenpark"), "url(#kaart-c2)");
    assert_eq!(fill_of("Molenkamp"), "url(#kaart-unknown)", "unknown is not zero");
    let titles: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
    assert!(titles.contains(&"Havenkwartier: 10%"), "{titles:?}");
    assert!(titles.contains(&"Molenkamp: onbekend"), "{titles:?}");

    // Each class pattern differs from the others in more than colour: the
    // lowest is plain, the others carry a texture of their own.
    let patterns: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("pattern")).collect();
    assert_eq!(patterns.len(), 4, "three classes and unknown");
    let textures: Vec<String> = patterns
        .iter()
        .map(|p| {
            p.descendants()
                .filter(|d| d.has_tag_name("path") || d.has_tag_name("circle"))
                .map(|d| format!("{:?}", d.attributes().map(|a| a.value()).collect::<Vec<_>>()))
                .collect()
        })
        .collect();
    for i in 0..textures.len() {
        for j in i + 1..textures.len() {
            assert_ne!(textures[i], textures[j], "patterns {i} and {j} have the same texture");
        }
    }
    // The legend names every class and unknown.
    let legend: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("legend"))
        .flat_map(|g| {
            g.descendants().filter_map(|t| if t.has_tag_name("text") { t.text() } else { None }).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(legend, ["65 jaar en ouder (%)", "0", "10", "20", "onbekend"]);
}

#[test]
fn the_table_lists_every_area_with_its_value_and_class() {
    let m = map(vec![
        area("WK199101", "Binnenstad", 0.0, Some(3)),
        area("WK199102", "Havenkwartier", 0.01, None),
        MapArea { value: Some(Number::from_thousandths(12_500)), ..area("WK199103", "Lindenpark", 0.02, None) },
    ]);
    let t = choropleth_table(&m);
    assert_eq!(t.header, ["Gebied", "Code", "65 jaar en ouder (%)", "Klasse"]);
    assert_eq!(t.rows[0], ["Binnenstad", "WK199101", "3", "1 van 2 (3)"]);
    assert_eq!(t.rows[1], ["Havenkwartier", "WK199102", "–", "onbekend"]);
    assert_eq!(t.rows[2], ["Lindenpark", "WK199103", "12,5", "2 van 2 (12,5)"]);
}

#[test]
fn holes_are_cut_out_and_detail_below_half_a_pixel_is_dropped() {
    let mut outer = square(5.0, 52.0, 0.1, 200);
    outer.interiors_push(square(5.03, 52.03, 0.03, 50).exterior().clone());
    let m = map(vec![MapArea {
        code: "WK036300".into(),
        name: "Met gat".into(),
        geometry: MultiPolygon(vec![outer]),
        value: n(1),
    }]);
    let svg = choropleth_svg(&m);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let d = doc
        .descendants()
        .find(|n| n.has_tag_name("path") && n.children().any(|c| c.has_tag_name("title")))
        .unwrap()
        .attribute("d")
        .unwrap();
    assert_eq!(d.matches('M').count(), 2, "outer ring and hole: {d}");
    // 800 + 200 points on straight sides: simplified to the corners.
    assert!(d.matches('l').count() <= 8, "{d}");
    assert!(doc.descendants().any(|n| n.attribute("fill-rule") == Some("evenodd")));
}

#[test]
fn no_outlines_say_so() {
    let svg = choropleth_svg(&map(vec![]));
    assert!(svg.contains("Geen gebiedsgrenzen"));
    roxmltree::Document::parse(&svg).unwrap();
}

#[test]
fn a_map_converts_to_png() {
    let svg =
        choropleth_svg(&map(vec![area("WK199101", "Binnenstad", 0.0, Some(3)), area("WK199102", "Haven", 0.01, None)]));
    let png = crate::png::svg_to_png(&svg).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
}

fn big(code: &str, name: &str, x: f64, size: f64, value: Option<i64>) -> MapArea {
    MapArea {
        code: code.into(),
        name: name.into(),
        geometry: MultiPolygon(vec![square(5.0 + x, 52.0, size, 1)]),
        value: value.map(Number::from_int),
    }
}

#[test]
fn the_subjects_areas_are_outlined_named_where_they_fit_and_explained() {
    // Two large areas of the subject, one tiny one of the subject, one other.
    let mut m = map(vec![
        big("BU1", "Oost (Binnenstad)", 0.0, 0.1, Some(10)),
        big("BU2", "West (Binnenstad)", 0.1, 0.1, None),
        big("BU3", "Speldenknop (Binnenstad)", 0.2, 0.0005, Some(12)),
        big("BU4", "Elders", 0.0, 0.1, Some(30)),
    ]);
    m.areas[3].geometry = MultiPolygon(vec![square(5.0, 52.1, 0.1, 1)]);
    m.subject = Some(Subject { name: "Binnenstad".into(), codes: vec!["BU1".into(), "BU2".into(), "BU3".into()] });
    let svg = choropleth_svg(&m);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");

    let outline = doc.descendants().find(|n| n.attribute("class") == Some("subject")).expect("a subject outline");
    assert_eq!(outline.attribute("fill"), Some("none"));
    assert!(outline.attribute("stroke-width").unwrap().parse::<f64>().unwrap() >= 4.0, "thicker than the others");
    assert_eq!(outline.attribute("d").unwrap().matches('M').count(), 3, "every subject area, none else");

    let labels: Vec<(String, f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.parent().and_then(|p| p.attribute("class")) == Some("labels"))
        .map(|n| {
            let x = n.attribute("x").unwrap().parse().unwrap();
            let y = n.attribute("y").unwrap().parse().unwrap();
            (n.text().unwrap().to_owned(), x, y)
        })
        .collect();
    let names: Vec<&str> = labels.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(names, ["Oost", "West"], "the subject's areas that have room, by their own name");
    // Each label sits within its area's drawn box: Oost left of West.
    assert!(labels[0].1 < labels[1].1, "{labels:?}");

    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap().text().unwrap();
    assert!(desc.contains("De 3 gebieden van Binnenstad hebben een dikke rand."), "{desc}");
    assert!(svg.contains("dikke rand: Binnenstad"), "the legend explains the outline");
    // Hover titles stay for every area.
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("title")).count(), 1 + 4);

    // Without a subject every area that has room is named, nothing outlined.
    m.subject = None;
    let svg = choropleth_svg(&m);
    assert!(!svg.contains("class=\"subject\"") && !svg.contains("dikke rand"));
    for name in ["Oost", "West", "Elders"] {
        assert!(svg.contains(&format!(">{name}</text>")), "{name}");
    }
    assert!(!svg.contains(">Speldenknop</text>"), "no room for a tiny area's name");
}
