use std::collections::HashSet;

use roxmltree::{Document, Node};
use wijkregie_core::referral::figures::SmallCount;

use super::*;

const PATHWAYS: [&str; 5] = ["Welzijn op Recept", "GLI volwassenen", "GLI jeugd", "Kansrijke Start", "Valpreventie"];

/// The dashboard's chart: five pathways over twelve months, with the quirks
/// real figures have — small counts, a secondarily hidden one, a month with
/// no data yet, and a count above a thousand.
fn referrals() -> BarChart {
    let months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september"];
    let mut categories: Vec<String> = months.iter().map(|m| format!("{m} 2025")).collect();
    categories.extend(["oktober 2025", "november 2025", "december 2025"].map(String::from));
    let series = PATHWAYS
        .iter()
        .enumerate()
        .map(|(p, name)| Series {
            name: (*name).to_string(),
            values: (0..12u64)
                .map(|m| match (p, m) {
                    (_, 11) => Value::Missing,
                    (4, 2) => Value::Suppressed,
                    (3, 5) => Value::Hidden,
                    (0, 7) => Value::Exact(1_250),
                    _ => Value::Exact(5 + p as u64 * 7 + m * 3),
                })
                .collect(),
        })
        .collect();
    BarChart {
        id: "verwijzingen".into(),
        title: "Verwijzingen per maand per zorgpad".into(),
        category_title: "Maand".into(),
        value_title: "Aantal verwijzingen".into(),
        categories,
        series,
    }
}

fn simple(values: &[Value]) -> BarChart {
    BarChart {
        id: "simpel".into(),
        title: "Simpel".into(),
        category_title: "Maand".into(),
        value_title: "Aantal".into(),
        categories: (1..=values.len()).map(|i| format!("m{i}")).collect(),
        series: vec![Series { name: "Reeks".into(), values: values.to_vec() }],
    }
}

fn trend() -> LineChart {
    LineChart {
        id: "trend".into(),
        title: "Overgewicht per jaar".into(),
        category_title: "Jaar".into(),
        value_title: "Percentage".into(),
        categories: (2019..=2024).map(|y| y.to_string()).collect(),
        series: vec![
            Series {
                name: "Wijk <Noord>".into(),
                values: vec![
                    Value::Exact(41.2),
                    Value::Exact(42.0),
                    Value::Missing,
                    Value::Exact(43.5),
                    Value::Exact(44.1),
                    Value::Exact(44.0),
                ],
            },
            Series {
                name: "Regio".into(),
                values: vec![
                    Value::Exact(39.0),
                    Value::Exact(39.4),
                    Value::Exact(40.1),
                    Value::Suppressed,
                    Value::Exact(40.8),
                    Value::Exact(41.0),
                ],
            },
            Series {
                name: "Nederland".into(),
                values: (0..6).map(|y| Value::Exact(38.0 + f64::from(y) * 0.5)).collect(),
            },
        ],
        decimals: 1,
    }
}

fn indicator() -> IntervalChart {
    IntervalChart {
        id: "indicator".into(),
        title: "Ervaren gezondheid goed of zeer goed".into(),
        label_title: "Gebied".into(),
        value_title: "Percentage".into(),
        rows: vec![
            IntervalRow { label: "Wijk Noord".into(), value: Value::Exact(71.4), interval: Some((66.0, 76.3)) },
            IntervalRow {
                label: "Regio Zuiderkwartier".into(),
                value: Value::Exact(75.2),
                interval: Some((74.1, 76.2)),
            },
            IntervalRow { label: "Wijk Klein".into(), value: Value::Suppressed, interval: None },
        ],
        reference: Some(Reference { label: "Nederland".into(), value: 76.0 }),
        decimals: 1,
        unit: "%".into(),
    }
}

fn ages() -> Pyramid {
    let bands: Vec<String> =
        (0..18).map(|b| if b == 17 { "85+".into() } else { format!("{}–{}", b * 5, b * 5 + 4) }).collect();
    let counts = |f: u64| Series {
        name: String::new(),
        values: (0..18u64)
            .map(|b| if b == 17 && f == 1 { Value::Suppressed } else { Value::Exact(100 * f + 1_000 - b * 40) })
            .collect(),
    };
    Pyramid {
        id: "leeftijd".into(),
        title: "Leeftijdsopbouw".into(),
        band_title: "Leeftijd".into(),
        value_title: "Aantal inwoners".into(),
        bands,
        left: Series { name: "Mannen".into(), ..counts(1) },
        right: Series { name: "Vrouwen".into(), ..counts(2) },
        shares: false,
    }
}

/// Every rendered chart, for the checks that hold for all of them.
fn all_charts() -> Vec<String> {
    vec![
        grouped_bars(&referrals()),
        stacked_bars(&referrals()),
        line_chart(&trend()),
        horizontal_bars_with_interval(&indicator()),
        pyramid(&ages()),
    ]
}

/// Parses as XML and holds what axe-core and a screen reader need.
fn parse(svg: &str) -> Document<'_> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some());
    assert_eq!(root.attribute("font-family"), Some("inherit"));
    let labelled: Vec<&str> = root.attribute("aria-labelledby").expect("labelled").split(' ').collect();
    assert_eq!(labelled.len(), 2);
    let title = element_by_id(&doc, labelled[0]).expect("title element");
    let desc = element_by_id(&doc, labelled[1]).expect("desc element");
    assert_eq!((title.tag_name().name(), desc.tag_name().name()), ("title", "desc"));
    assert!(!text_of(desc).is_empty());
    assert!(doc.descendants().all(|n| n.tag_name().name() != "script"));
    doc
}

fn element_by_id<'a>(doc: &'a Document, id: &str) -> Option<Node<'a, 'a>> {
    doc.descendants().find(|n| n.attribute("id") == Some(id))
}

fn text_of(n: Node) -> String {
    n.descendants().filter(Node::is_text).filter_map(|d| d.text()).collect()
}

fn texts(doc: &Document) -> Vec<String> {
    doc.descendants().filter(|n| n.has_tag_name("text")).map(text_of).collect()
}

fn bars<'a>(doc: &'a Document) -> Vec<Node<'a, 'a>> {
    doc.descendants().filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("bar")).collect()
}

fn num(n: Node, attr: &str) -> f64 {
    n.attribute(attr).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{attr} on {n:?}"))
}

#[test]
fn every_chart_is_well_formed_named_and_described() {
    for svg in all_charts() {
        parse(&svg);
    }
}

#[test]
fn bar_heights_are_proportional_to_values() {
    let svg = grouped_bars(&simple(&[Value::Exact(10), Value::Exact(20), Value::Exact(40), Value::Exact(0)]));
    let doc = parse(&svg);
    let heights: Vec<f64> = bars(&doc).iter().map(|b| num(*b, "height")).collect();
    assert_eq!(heights.len(), 4);
    assert!((heights[1] - 2.0 * heights[0]).abs() < 0.02, "{heights:?}");
    assert!((heights[2] - 4.0 * heights[0]).abs() < 0.02, "{heights:?}");
    assert_eq!(heights[3], 0.0);
    // All bars stand on the same baseline.
    let bottoms: HashSet<String> =
        bars(&doc).iter().map(|b| format!("{:.1}", num(*b, "y") + num(*b, "height"))).collect();
    assert_eq!(bottoms.len(), 1);
}

#[test]
fn stacked_segments_add_up_to_the_column() {
    let mut chart = simple(&[Value::Exact(10), Value::Exact(30)]);
    chart.series.push(Series { name: "Tweede".into(), values: vec![Value::Exact(30), Value::Exact(10)] });
    let svg = stacked_bars(&chart);
    let doc = parse(&svg);
    let b = bars(&doc);
    let column = |c: usize| num(b[2 * c], "height") + num(b[2 * c + 1], "height");
    assert!((column(0) - column(1)).abs() < 0.02);
    assert!((num(b[1], "height") - 3.0 * num(b[0], "height")).abs() < 0.02);
    // The second segment sits on top of the first.
    assert!((num(b[1], "y") + num(b[1], "height") - num(b[0], "y")).abs() < 0.02);
}

#[test]
fn ticks_are_round_cover_the_maximum_and_use_dutch_thousands() {
    let doc_svg = grouped_bars(&referrals());
    let doc = parse(&doc_svg);
    let labels = texts(&doc);
    // The largest count is 1.250: ticks 0, 500, 1.000, 1.500 — round, covering it.
    for tick in ["0", "500", "1.000", "1.500"] {
        assert!(labels.iter().any(|t| t == tick), "{tick} missing in {labels:?}");
    }
    assert!(!labels.iter().any(|t| t == "2.000"));
    let desc = text_of(element_by_id(&doc, "verwijzingen-desc").unwrap());
    assert!(desc.contains("Hoogste waarde: 1.250 (Welzijn op Recept, augustus 2025)"), "{desc}");
}

#[test]
fn labels_from_user_data_are_escaped() {
    let nasty = r#"Zorg <b>&"co"</b>'"#;
    let mut chart = simple(&[Value::Exact(3), Value::Suppressed]);
    chart.series[0].name = nasty.into();
    chart.categories[0] = nasty.into();
    chart.title = nasty.into();
    let mut line = trend();
    line.series[0].name = nasty.into();
    let mut interval = indicator();
    interval.rows[0].label = nasty.into();
    let mut ages = ages();
    ages.bands[0] = nasty.into();
    for svg in [
        grouped_bars(&chart),
        stacked_bars(&chart),
        line_chart(&line),
        horizontal_bars_with_interval(&interval),
        pyramid(&ages),
    ] {
        assert!(!svg.contains("<b>"), "{svg}");
        let doc = parse(&svg);
        assert!(texts(&doc).iter().any(|t| t.contains(nasty)), "{:?}", texts(&doc));
    }
    assert_eq!(escape(r#"<&">'"#), "&lt;&amp;&quot;&gt;&#39;");
}

#[test]
fn suppressed_values_are_hatched_stubs_labelled_below_five() {
    let svg = grouped_bars(&referrals());
    let doc = parse(&svg);
    let stubs: Vec<Node> = doc.descendants().filter(|n| n.attribute("class") == Some("bar hidden-value")).collect();
    assert_eq!(stubs.len(), 2, "one suppressed, one hidden");
    for stub in &stubs {
        assert_eq!(stub.attribute("fill"), Some("url(#verwijzingen-suppressed)"));
        assert!(stub.attribute("stroke-dasharray").is_some());
    }
    let hatch = element_by_id(&doc, "verwijzingen-suppressed").expect("hatching");
    assert_eq!(hatch.tag_name().name(), "pattern");
    let labels = texts(&doc);
    assert!(labels.iter().any(|t| t == "< 5"));
    assert!(labels.iter().any(|t| t == "x"));
    // The legend explains the hatching with the same fill.
    assert!(labels.iter().any(|t| t.starts_with("< 5: klein aantal")));
    let key = doc.descendants().find(|n| n.has_tag_name("g") && n.attribute("class") == Some("legend")).unwrap();
    assert!(key.descendants().any(|n| n.attribute("fill") == Some("url(#verwijzingen-suppressed)")));
    let desc = text_of(element_by_id(&doc, "verwijzingen-desc").unwrap());
    assert!(desc.contains("1 waarde is kleiner dan 5"), "{desc}");

    let stacked = stacked_bars(&referrals());
    let doc = parse(&stacked);
    assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("bar hidden-value")).count(), 2);
    assert!(texts(&doc).iter().any(|t| t == "< 5"));
}

#[test]
fn each_series_has_a_colour_and_a_pattern_and_the_legend_shows_both() {
    let svg = grouped_bars(&referrals());
    let doc = parse(&svg);
    let mut colours = HashSet::new();
    let mut textures = HashSet::new();
    for i in 0..PATHWAYS.len() {
        let id = format!("verwijzingen-s{i}");
        let pattern = element_by_id(&doc, &id).expect("pattern per series");
        let mut children = pattern.children().filter(Node::is_element);
        colours.insert(children.next().and_then(|r| r.attribute("fill")).unwrap().to_string());
        let texture: String = children.map(|c| &svg[c.range()]).collect();
        textures.insert(texture);
        let fill = format!("url(#{id})");
        let legend = doc.descendants().find(|n| n.attribute("class") == Some("legend")).unwrap();
        assert!(legend.descendants().any(|n| n.attribute("fill") == Some(fill.as_str())), "legend shows {id}");
        assert!(bars(&doc).iter().any(|b| b.attribute("fill") == Some(fill.as_str())), "bars use {id}");
    }
    assert_eq!(colours.len(), PATHWAYS.len());
    assert_eq!(textures.len(), PATHWAYS.len());
}

#[test]
fn ids_carry_the_prefix_and_two_charts_do_not_clash() {
    let mut first = referrals();
    first.id = "netwerk 1/zorgpaden".into();
    let mut second = referrals();
    second.id = "netwerk-2".into();
    let page = format!("<body>{}{}{}</body>", grouped_bars(&first), stacked_bars(&second), line_chart(&trend()));
    let doc = Document::parse(&page).expect("XML");
    let ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    assert!(ids
        .iter()
        .all(|i| i.starts_with("netwerk-1-zorgpaden-") || i.starts_with("netwerk-2-") || i.starts_with("trend-")));
    // Every reference points at an element that exists.
    for n in doc.descendants() {
        for a in n.attributes() {
            if let Some(target) = a.value().strip_prefix("url(#").and_then(|v| v.strip_suffix(')')) {
                assert!(unique.contains(target), "{target}");
            }
        }
    }
    assert_eq!(svg::chart_id("2024"), "chart-2024");
}

#[test]
fn no_data_still_gives_a_valid_named_chart() {
    let empty = BarChart { categories: vec![], series: vec![], ..referrals() };
    let missing = simple(&[Value::Missing, Value::Missing]);
    let no_line = LineChart { series: vec![], ..trend() };
    let no_rows = IntervalChart { rows: vec![], reference: None, ..indicator() };
    let no_bands = Pyramid { bands: vec![], ..ages() };
    for svg in [
        grouped_bars(&empty),
        stacked_bars(&missing),
        line_chart(&no_line),
        horizontal_bars_with_interval(&no_rows),
        pyramid(&no_bands),
    ] {
        let doc = parse(&svg);
        assert!(texts(&doc).iter().any(|t| t == "Geen gegevens"), "{svg}");
    }
    // Zero is data: a flat chart with an axis, not "no data".
    let zeros = grouped_bars(&simple(&[Value::Exact(0), Value::Exact(0)]));
    let doc = parse(&zeros);
    assert!(!texts(&doc).iter().any(|t| t == "Geen gegevens"));
    assert!(bars(&doc).iter().all(|b| num(*b, "height") == 0.0));
    assert!(texts(&doc).iter().any(|t| t == "1"), "an axis from 0 to 1");
    assert_eq!(table_rows(&BarChart { categories: vec![], series: vec![], ..referrals() }).rows.len(), 0);
}

#[test]
fn the_table_has_the_same_numbers_and_signs() {
    let table = table_rows(&referrals());
    assert_eq!(table.header[0], "Maand");
    assert_eq!(&table.header[1..], PATHWAYS);
    assert_eq!(table.rows.len(), 12);
    assert_eq!(table.rows[7][1], "1.250");
    assert_eq!(table.rows[2][5], "< 5");
    assert_eq!(table.rows[5][4], "x");
    assert_eq!(table.rows[11][1], MISSING_TEXT);
    assert_eq!(table.rows[0][1], "5");

    let line = line_table(&trend());
    assert_eq!(line.rows[0], ["2019", "41,2", "39,0", "38,0"]);
    assert_eq!(line.rows[3][2], "< 5");
    let interval = interval_table(&indicator());
    assert_eq!(interval.rows[0], ["Wijk Noord", "71,4%", "66,0%–76,3%"]);
    assert_eq!(interval.rows[3], ["Nederland", "76,0%", MISSING_TEXT]);
    let ages = pyramid_table(&ages());
    assert_eq!(ages.rows[0], ["85+", "< 5", "520"]);
    assert_eq!(ages.rows[17], ["0–4", "1.100", "1.200"]);
}

#[test]
fn referral_figures_keep_their_signs() {
    assert_eq!(Value::from(SmallCount::of(0)), Value::Exact(0));
    assert_eq!(Value::from(SmallCount::of(3)), Value::Suppressed);
    assert_eq!(Value::from(SmallCount::Hidden), Value::Hidden);
    assert_eq!(Value::from(Some(7u64)), Value::Exact(7));
    assert_eq!(Value::<u64>::from(None), Value::Missing);
}

#[test]
fn lines_have_a_marker_shape_and_dash_per_series_and_break_at_gaps() {
    let svg = line_chart(&trend());
    let doc = parse(&svg);
    let lines: Vec<Node> = doc.descendants().filter(|n| n.attribute("class") == Some("line")).collect();
    assert_eq!(lines.len(), 3);
    let dashes: HashSet<&str> = lines.iter().map(|l| l.attribute("stroke-dasharray").unwrap()).collect();
    assert_eq!(dashes.len(), 3);
    // The first series is missing 2021: two runs, so two moves.
    assert_eq!(lines[0].attribute("d").unwrap().matches('M').count(), 2);
    // Markers: circles for the first series, polygons of two different
    // shapes for the others, five known points each … plus the legend's.
    let circles = |fill: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("r") == Some("5") && n.attribute("fill") == Some(fill))
            .count()
    };
    assert_eq!(circles("#0072B2"), 5 + 1);
    // The hidden 2022 of the second series: an open square on the axis; the
    // legend explains open markers with an open circle.
    assert_eq!(circles("#ffffff"), 1);
    let open = doc
        .descendants()
        .filter(|n| n.attribute("fill") == Some("#ffffff") && n.attribute("stroke-dasharray").is_some());
    assert_eq!(open.count(), 2);
    let shapes: HashSet<usize> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .map(|n| n.attribute("points").unwrap().split(' ').count())
        .collect();
    assert_eq!(shapes, HashSet::from([4, 3]), "square and triangle");
    let labels = texts(&doc);
    assert!(labels.iter().any(|t| t == "< 5"));
    assert!(labels.iter().any(|t| t == "2019") && labels.iter().any(|t| t == "2024"));
    assert!(labels.iter().any(|t| t.contains(',')) || labels.iter().any(|t| t == "50"), "{labels:?}");
}

#[test]
fn interval_bars_have_whiskers_a_reference_and_their_values() {
    let svg = horizontal_bars_with_interval(&indicator());
    let doc = parse(&svg);
    let b = bars(&doc);
    assert_eq!(b.len(), 2);
    assert!((num(b[1], "width") / num(b[0], "width") - 75.2 / 71.4).abs() < 0.001);
    assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("whisker")).count(), 2);
    assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("reference")).count(), 1);
    let labels = texts(&doc);
    assert!(labels.iter().any(|t| t == "71,4% (66,0%–76,3%)"), "{labels:?}");
    assert!(labels.iter().any(|t| t == "Nederland: 76,0%"));
    let desc = text_of(element_by_id(&doc, "indicator-desc").unwrap());
    assert!(desc.contains("Wijk Noord: 71,4% (95%-betrouwbaarheidsinterval 66,0%–76,3%)."), "{desc}");
}

#[test]
fn pyramid_sides_mirror_and_shares_compare_unequal_sizes() {
    let svg = pyramid(&ages());
    let doc = parse(&svg);
    let b = bars(&doc);
    // Band 0: left 1.100, right 1.200, growing apart from the middle.
    let (left, right) = (b[0], b[1]);
    assert!((num(right, "width") / num(left, "width") - 1200.0 / 1100.0).abs() < 0.001);
    assert!(num(left, "x") + num(left, "width") < num(right, "x"));
    assert!(texts(&doc).iter().any(|t| t == "< 5"));

    let mut shares = ages();
    shares.shares = true;
    let table = pyramid_table(&shares);
    let sum: f64 =
        table.rows.iter().filter_map(|r| r[2].trim_end_matches('%').replace(',', ".").parse::<f64>().ok()).sum();
    // 1.200 of 15.480 women are 0–4; eighteen rounded shares add up to about 100.
    assert_eq!(table.rows[17][2], "7,8%");
    assert!((sum - 100.0).abs() < 0.5, "{sum}");
    assert!(texts(&parse(&pyramid(&shares))).iter().any(|t| t.ends_with('%')));
}

#[test]
fn turned_labels_left_of_the_plot_stay_in_view() {
    // Twelve month labels do not fit side by side, so they are turned; the
    // first hangs left of the plot and the view must start far enough left.
    let mut chart = referrals();
    chart.categories.insert(0, "september 2024".into());
    // Small counts make a narrow value axis, so the plot starts far left.
    for s in &mut chart.series {
        s.values = vec![Value::Exact(3); chart.categories.len()];
    }
    let svg = grouped_bars(&chart);
    let doc = parse(&svg);
    let view: Vec<f64> =
        doc.root_element().attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.attribute("transform").is_some_and(|t| t.starts_with("rotate(-45")))
        .expect("turned labels");
    let reach = num(first, "x") - super::svg::text_width(&text_of(first), super::svg::FONT) * 0.71;
    assert!(view[0] <= reach, "the view starts at {} but the first label reaches {reach}", view[0]);
    assert!(view[0] < 0.0 && (view[2] + view[0] - super::svg::WIDTH).abs() < 1e-9, "{view:?}");
}

/// The referral chart as `/verwijzingen/cijfers` draws it: thirteen months
/// from december, every ketenaanpak side by side, several small counts in
/// one month. Turned "< 5" signs over bars a few pixels wide ran into each
/// other, and the first month lost its first letter ("ecember 2025").
#[test]
fn small_count_signs_never_overlap_and_the_first_month_is_whole() {
    let mut chart = referrals();
    chart.categories.insert(0, "december 2024".into());
    for s in &mut chart.series {
        s.values = vec![Value::Exact(3); chart.categories.len()];
        s.values[2] = Value::Suppressed;
        s.values[4] = Value::Suppressed;
    }
    chart.series[1].values[4] = Value::Hidden;
    let svg = grouped_bars(&chart);
    let doc = parse(&svg);

    // Each sign label's horizontal extent: turned text is as wide as its height.
    let signs: Vec<(f64, f64, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && (text_of(*n).contains("< 5") || text_of(*n) == "x"))
        // The legend's explanation is not a label over a bar.
        .filter(|n| !text_of(*n).contains(':'))
        .map(|n| {
            let x = num(n, "x");
            let half = if n.attribute("transform").is_some() {
                super::svg::SMALL / 2.0
            } else {
                super::svg::text_width(&text_of(n), super::svg::SMALL) * 1.2 / 2.0
            };
            (x - half, x + half, text_of(n))
        })
        .collect();
    assert_eq!(signs.len(), 2, "one label per month with small counts: {signs:?}");
    assert!(signs.iter().any(|s| s.2.contains("< 5") && s.2.contains('×')), "{signs:?}");
    assert!(signs.iter().any(|s| s.2.contains('x') && s.2.contains("< 5")), "both signs of month five: {signs:?}");
    for (i, a) in signs.iter().enumerate() {
        for b in &signs[i + 1..] {
            assert!(a.1 <= b.0 || b.1 <= a.0, "{a:?} overlaps {b:?}");
        }
    }
    // The stubs stay, one per hidden value, with their hover titles.
    assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("bar hidden-value")).count(), 10);

    // The first, turned month label fits in the view even if its letters
    // run a fifth wider than average, with the height of the turned text.
    let view: Vec<f64> =
        doc.root_element().attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    let first = doc.descendants().find(|n| n.has_tag_name("text") && text_of(*n) == "december 2024").unwrap();
    assert!(first.attribute("transform").is_some_and(|t| t.starts_with("rotate(-45")));
    let font = super::svg::FONT;
    let reach = num(first, "x") - super::svg::text_width("december 2024", font) * 1.15 * 0.71 - font * 0.71;
    assert!(view[0] <= reach, "the view starts at {} but the first label reaches {reach}", view[0]);
}
