//! Fictional population figures for the demo region, in the real layouts:
//! the CBS *Kerncijfers wijken en buurten* download (`kwb-YYYY.csv`, `;`
//! with decimal commas, codes right-padded, `.` and `-99997` where CBS hides
//! small areas) for 2015–2024, and the RIVM StatLine export of 50120NED
//! (`Marges` rows for value and 95% bounds, 18+ and 65+) for 2016, 2020 and
//! 2022. The demo imports them like any downloaded file.
//!
//! Each wijk has a character, so that the theme rules have something to
//! find: Binnenstad is young and lonely, Havenkwartier has many children in
//! low-income households and much obesity, Molenkamp and Heiderloo are old.
//! Counts are built from the buurten and CBS wijken upwards, so a gemeente
//! is exactly the sum of its parts, as in a real file.

use std::fmt::Write;

use crate::population::{AGE_18_PLUS, AGE_65_PLUS};

/// The years of Kerncijfers the demo ships.
pub const KWB_YEARS: std::ops::RangeInclusive<i32> = 2015..=2024;
/// The Gezondheidsmonitor years of 50120NED.
pub const HEALTH_YEARS: [i32; 3] = [2016, 2020, 2022];

/// The latest year is the reference point; earlier years are derived.
const BASE_YEAR: i32 = 2024;

/// One area the figures are made for: a CBS wijk of Kwartierstad or
/// Elzenmonde, or a buurt of Heiderloo.
struct Leaf {
    code: &'static str,
    name: &'static str,
    /// Index into [`GEMEENTEN`].
    gemeente: usize,
    /// The CBS wijk a Heiderloo buurt lies in.
    wijk: Option<&'static str>,
    inhabitants: i64,
    /// Growth per year, in thousandths.
    growth: i64,
    /// Shares of 0–14, 15–24, 25–44, 45–64 and 65+ in the base year, in thousandths.
    ages: [i64; 5],
    /// How much the share of 65+ grew per year, in thousandths.
    ageing: i64,
    /// Persons per household, in tenths.
    household_size: i64,
    /// One-person households and households with children, in thousandths of all households.
    one_person: i64,
    with_children: i64,
    /// Income per inhabitant in hundreds of euros (CBS publishes thousands with one decimal).
    income: i64,
    /// Share of low-income households, in tenths of a percent.
    low_income: i64,
    /// Distance to the nearest GP practice, in tenths of a km.
    gp_distance: i64,
    /// Land area in hectares, for the density.
    hectares: i64,
    /// Health estimates for adults in 2022, whole percents, in the order of [`HEALTH_COLUMNS`].
    health: [i64; 10],
    /// Severe loneliness among 65+ in 2022.
    lonely_65: i64,
    /// CBS hides the income figures of this area (too few households).
    income_hidden: bool,
    /// RIVM hides the estimates of this area (too few respondents).
    health_hidden: bool,
}

const GEMEENTEN: [(&str, &str); 3] = [("GM1991", "Kwartierstad"), ("GM1992", "Elzenmonde"), ("GM1993", "Heiderloo")];

/// Heiderloo's CBS wijken, made of the buurten below.
const HEIDERLOO_WIJKEN: [(&str, &str); 2] = [("WK199301", "Heiderloo-Kern"), ("WK199302", "Heiderloo-Buitengebied")];

const HEALTH_COLUMNS: [&str; 10] = [
    "ErvarenGezondheidGoedZeerGoed_4",
    "VoldoetAanBeweegrichtlijn_5",
    "Overgewicht_9",
    "ErnstigOvergewicht_10",
    "Roker_11",
    "EenOfMeerLangdurigeAandoeningen_16",
    "Eenzaam_27",
    "ErnstigZeerErnstigEenzaam_28",
    "Mantelzorger_31",
    "MoeiteMetRondkomen_33",
];

/// How each estimate moved from the Gezondheidsmonitor year to 2022, in
/// whole percents (loneliness rose in the pandemic, smoking fell).
fn health_offset(year: i32, column: usize) -> i64 {
    const OFFSETS_2016: [i64; 10] = [2, -2, -1, -1, 4, -2, -3, -1, 1, 1];
    const OFFSETS_2020: [i64; 10] = [1, -1, -1, 0, 2, -1, -1, 0, 0, 0];
    match year {
        2016 => OFFSETS_2016[column],
        2020 => OFFSETS_2020[column],
        _ => 0,
    }
}

#[rustfmt::skip]
const LEAVES: [Leaf; 14] = [
    Leaf { code: "WK199101", name: "Binnenstad", gemeente: 0, wijk: None, inhabitants: 9_240, growth: 9,
        ages: [92, 214, 352, 206, 136], ageing: 1, household_size: 16, one_person: 612, with_children: 138,
        income: 302, low_income: 142, gp_distance: 4, hectares: 186,
        health: [73, 55, 41, 11, 24, 52, 56, 17, 11, 22], lonely_65: 19, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199102", name: "Havenkwartier", gemeente: 0, wijk: None, inhabitants: 11_870, growth: 6,
        ages: [212, 131, 284, 231, 142], ageing: 2, household_size: 24, one_person: 331, with_children: 389,
        income: 231, low_income: 168, gp_distance: 7, hectares: 412,
        health: [66, 42, 57, 20, 25, 57, 53, 15, 13, 31], lonely_65: 17, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199103", name: "Lindenpark", gemeente: 0, wijk: None, inhabitants: 8_410, growth: 3,
        ages: [168, 112, 221, 287, 212], ageing: 3, household_size: 23, one_person: 284, with_children: 342,
        income: 398, low_income: 42, gp_distance: 9, hectares: 296,
        health: [81, 57, 46, 11, 14, 55, 44, 9, 15, 9], lonely_65: 9, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199104", name: "Molenkamp", gemeente: 0, wijk: None, inhabitants: 7_630, growth: -2,
        ages: [118, 94, 181, 268, 339], ageing: 5, household_size: 19, one_person: 468, with_children: 186,
        income: 287, low_income: 81, gp_distance: 8, hectares: 254,
        health: [70, 47, 53, 15, 15, 68, 50, 12, 17, 14], lonely_65: 14, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199105", name: "Vogelzang", gemeente: 0, wijk: None, inhabitants: 10_260, growth: 4,
        ages: [181, 118, 252, 274, 175], ageing: 3, household_size: 24, one_person: 262, with_children: 361,
        income: 326, low_income: 63, gp_distance: 8, hectares: 335,
        health: [77, 52, 49, 13, 17, 56, 46, 10, 14, 13], lonely_65: 11, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199201", name: "Elzenmonde-Dorp", gemeente: 1, wijk: None, inhabitants: 12_480, growth: 2,
        ages: [152, 106, 208, 288, 246], ageing: 4, household_size: 22, one_person: 322, with_children: 298,
        income: 319, low_income: 58, gp_distance: 10, hectares: 820,
        health: [76, 51, 51, 14, 16, 60, 47, 11, 16, 12], lonely_65: 12, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199202", name: "Zeggeveld", gemeente: 1, wijk: None, inhabitants: 9_870, growth: 14,
        ages: [224, 104, 318, 236, 118], ageing: 2, household_size: 26, one_person: 214, with_children: 451,
        income: 305, low_income: 55, gp_distance: 11, hectares: 640,
        health: [78, 44, 54, 15, 15, 53, 45, 10, 12, 15], lonely_65: 10, income_hidden: false, health_hidden: false },
    Leaf { code: "WK199203", name: "Waterhoek", gemeente: 1, wijk: None, inhabitants: 6_920, growth: 1,
        ages: [161, 109, 232, 271, 227], ageing: 4, household_size: 22, one_person: 318, with_children: 301,
        income: 276, low_income: 86, gp_distance: 14, hectares: 1_180,
        health: [74, 50, 52, 14, 18, 59, 48, 12, 15, 17], lonely_65: 13, income_hidden: false, health_hidden: false },
    Leaf { code: "BU19930101", name: "Kerkbuurt", gemeente: 2, wijk: Some("WK199301"), inhabitants: 3_410, growth: 1,
        ages: [138, 101, 196, 279, 286], ageing: 5, household_size: 21, one_person: 356, with_children: 251,
        income: 294, low_income: 71, gp_distance: 5, hectares: 148,
        health: [73, 53, 52, 14, 16, 63, 48, 11, 17, 13], lonely_65: 12, income_hidden: false, health_hidden: false },
    Leaf { code: "BU19930102", name: "Bremhorst", gemeente: 2, wijk: Some("WK199301"), inhabitants: 2_860, growth: 3,
        ages: [171, 112, 224, 281, 212], ageing: 4, household_size: 24, one_person: 268, with_children: 338,
        income: 312, low_income: 52, gp_distance: 9, hectares: 176,
        health: [76, 52, 53, 14, 15, 58, 46, 10, 16, 12], lonely_65: 11, income_hidden: false, health_hidden: false },
    Leaf { code: "BU19930103", name: "Heikant", gemeente: 2, wijk: Some("WK199301"), inhabitants: 2_140, growth: 0,
        ages: [129, 98, 183, 284, 306], ageing: 6, household_size: 21, one_person: 341, with_children: 236,
        income: 301, low_income: 64, gp_distance: 13, hectares: 212,
        health: [72, 51, 54, 15, 15, 65, 47, 11, 18, 12], lonely_65: 13, income_hidden: false, health_hidden: false },
    Leaf { code: "BU19930104", name: "Molenakker", gemeente: 2, wijk: Some("WK199301"), inhabitants: 1_720, growth: 2,
        ages: [158, 107, 211, 289, 235], ageing: 4, household_size: 23, one_person: 289, with_children: 312,
        income: 308, low_income: 58, gp_distance: 16, hectares: 264,
        health: [75, 54, 52, 13, 15, 60, 46, 10, 17, 12], lonely_65: 11, income_hidden: false, health_hidden: false },
    Leaf { code: "BU19930201", name: "Buitengebied Noord", gemeente: 2, wijk: Some("WK199302"), inhabitants: 1_180,
        growth: -3, ages: [142, 104, 171, 312, 271], ageing: 5, household_size: 24, one_person: 242, with_children: 302,
        income: 336, low_income: 44, gp_distance: 38, hectares: 1_840,
        health: [77, 58, 55, 14, 14, 62, 43, 9, 21, 10], lonely_65: 10, income_hidden: false, health_hidden: false },
    Leaf { code: "BU19930202", name: "Buitengebied Zuid", gemeente: 2, wijk: Some("WK199302"), inhabitants: 640,
        growth: -4, ages: [131, 98, 164, 326, 281], ageing: 6, household_size: 25, one_person: 221, with_children: 294,
        income: 342, low_income: 39, gp_distance: 52, hectares: 2_310,
        health: [78, 59, 54, 13, 13, 61, 42, 9, 22, 9], lonely_65: 9, income_hidden: true, health_hidden: true },
];

/// The counts and figures of one area in one year.
#[derive(Clone, Default)]
struct Figures {
    inhabitants: i64,
    ages: [i64; 5],
    households: i64,
    one_person: i64,
    with_children: i64,
    /// Weighted sums, divided out when written: income × inhabitants, and so on.
    income_sum: i64,
    low_income_sum: i64,
    gp_distance_sum: i64,
    hectares: i64,
    income_hidden: bool,
}

impl Figures {
    fn of(leaf: &Leaf, year: i32) -> Figures {
        let back = i64::from(BASE_YEAR - year);
        let inhabitants = leaf.inhabitants * (1000 - leaf.growth * back) / 1000;
        // Ageing moves share from the 25–44 band to 65+ as the years pass.
        let mut shares = leaf.ages;
        shares[4] -= leaf.ageing * back;
        shares[2] += leaf.ageing * back;
        let mut ages = shares.map(|s| inhabitants * s / 1000);
        // The bands add up to the total, as in the CBS file.
        ages[2] += inhabitants - ages.iter().sum::<i64>();
        // CBS rounds household counts to tens.
        let tens = |n: i64| (n + 5) / 10 * 10;
        let households = tens(inhabitants * 10 / leaf.household_size);
        let income = leaf.income * (1000 - 22 * back) / 1000;
        Figures {
            inhabitants,
            ages,
            households,
            one_person: tens(households * leaf.one_person / 1000),
            with_children: tens(households * leaf.with_children / 1000),
            income_sum: income * inhabitants,
            low_income_sum: leaf.low_income * households,
            gp_distance_sum: leaf.gp_distance * inhabitants,
            hectares: leaf.hectares,
            income_hidden: leaf.income_hidden,
        }
    }

    fn add(&mut self, other: &Figures) {
        self.inhabitants += other.inhabitants;
        for (a, b) in self.ages.iter_mut().zip(other.ages) {
            *a += b;
        }
        self.households += other.households;
        self.one_person += other.one_person;
        self.with_children += other.with_children;
        self.income_sum += other.income_sum;
        self.low_income_sum += other.low_income_sum;
        self.gp_distance_sum += other.gp_distance_sum;
        self.hectares += other.hectares;
    }

    /// The Netherlands as a whole, fictional but of the right size.
    fn national(year: i32) -> Figures {
        let back = i64::from(BASE_YEAR - year);
        let inhabitants = 17_942_000 * (1000 - 6 * back) / 1000;
        let mut ages = [153, 124, 254, 265, 204];
        ages[4] -= 3 * back;
        ages[2] += 3 * back;
        let ages = ages.map(|s| inhabitants * s / 1000);
        let households = inhabitants * 10 / 21;
        Figures {
            inhabitants,
            ages,
            households,
            one_person: households * 395 / 1000,
            with_children: households * 327 / 1000,
            income_sum: (341 * (1000 - 22 * back) / 1000) * inhabitants,
            low_income_sum: 79 * households,
            gp_distance_sum: 10 * inhabitants,
            hectares: 3_367_000,
            income_hidden: false,
        }
    }
}

/// A number with one decimal and a decimal comma: 268 → `26,8`.
fn tenths(n: i64) -> String {
    format!("{},{}", n / 10, n % 10)
}

/// `a / b` rounded half up, for positive numbers.
fn div_round(a: i64, b: i64) -> i64 {
    (2 * a + b) / (2 * b)
}

/// One area of the Kerncijfers download of `year`.
fn kwb_row(out: &mut String, code: &str, name: &str, gemeente: &str, kind: &str, f: &Figures, latest: bool) {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    let a = &f.ages;
    // In the latest year CBS has no income figures yet: they follow a year later.
    let (income, low_income) = if f.income_hidden {
        (".".to_owned(), "-99997".to_owned())
    } else if latest {
        (".".to_owned(), ".".to_owned())
    } else {
        (tenths(div_round(f.income_sum, f.inhabitants)), tenths(div_round(f.low_income_sum, f.households)))
    };
    let men = f.inhabitants * 496 / 1000;
    writeln!(
        out,
        "{code:<10};{digits:<8};{name};{gemeente};{kind};{code};{ind};{inh};{men};{women};{a0};{a1};{a2};{a3};{a4};{hh};{hh1};{hhz};{hhk};{size};{dens};{income};{low_income};{gp}",
        ind = if kind == "Land" { "." } else { "1" },
        inh = f.inhabitants,
        women = f.inhabitants - men,
        a0 = a[0],
        a1 = a[1],
        a2 = a[2],
        a3 = a[3],
        a4 = a[4],
        hh = f.households,
        hh1 = f.one_person,
        hhz = f.households - f.one_person - f.with_children,
        hhk = f.with_children,
        size = tenths(div_round(f.inhabitants * 10, f.households)),
        // Inhabitants per km² (100 hectares).
        dens = div_round(f.inhabitants * 100, f.hectares),
        gp = tenths(div_round(f.gp_distance_sum, f.inhabitants)),
    )
    .expect("writing to a String cannot fail");
}

/// The Kerncijfers download of `year` for the demo region and the Netherlands.
pub fn kwb_csv(year: i32) -> String {
    let latest = year == *KWB_YEARS.end();
    let mut out = String::from(
        "gwb_code_10;gwb_code_8;regio;gm_naam;recs;gwb_code;ind_wbi;a_inw;a_man;a_vrouw;a_00_14;a_15_24;a_25_44;\
         a_45_64;a_65_oo;a_hh;a_1p_hh;a_hh_z_k;a_hh_m_k;g_hhgro;bev_dich;g_ink_pi;p_hh_li;g_afs_hp\n",
    );
    kwb_row(&mut out, "NL00", "Nederland", "Nederland", "Land", &Figures::national(year), latest);
    for (index, (code, name)) in GEMEENTEN.iter().enumerate() {
        let leaves: Vec<&Leaf> = LEAVES.iter().filter(|l| l.gemeente == index).collect();
        kwb_row(&mut out, code, name, name, "Gemeente", &sum(&leaves, year), latest);
        for (wijk_code, wijk_name) in HEIDERLOO_WIJKEN.iter().filter(|_| index == 2) {
            let parts: Vec<&Leaf> = leaves.iter().copied().filter(|l| l.wijk == Some(wijk_code)).collect();
            kwb_row(&mut out, wijk_code, wijk_name, name, "Wijk", &sum(&parts, year), latest);
            for leaf in parts {
                kwb_row(&mut out, leaf.code, leaf.name, name, "Buurt", &Figures::of(leaf, year), latest);
            }
        }
        for leaf in leaves.iter().filter(|l| l.wijk.is_none()) {
            kwb_row(&mut out, leaf.code, leaf.name, name, "Wijk", &Figures::of(leaf, year), latest);
        }
    }
    out
}

/// The figures of several leaves together; hidden income hides the sum's
/// income only if every part is hidden (CBS publishes the wijk).
fn sum(leaves: &[&Leaf], year: i32) -> Figures {
    let mut total = Figures::default();
    for leaf in leaves {
        total.add(&Figures::of(leaf, year));
    }
    total.income_hidden = leaves.iter().all(|l| l.income_hidden);
    total
}

/// A health estimate and its bounds, whole percents.
struct Estimate {
    values: [i64; 10],
    lonely_65: i64,
    /// Half the width of the 95% interval: wider for smaller areas.
    margin: i64,
    hidden: bool,
}

fn margin_for(adults: i64) -> i64 {
    match adults {
        0..=2_000 => 6,
        2_001..=5_000 => 4,
        5_001..=12_000 => 3,
        12_001..=100_000 => 2,
        _ => 1,
    }
}

fn leaf_estimate(leaf: &Leaf) -> Estimate {
    Estimate {
        values: leaf.health,
        lonely_65: leaf.lonely_65,
        margin: margin_for(leaf.inhabitants * 4 / 5),
        hidden: leaf.health_hidden,
    }
}

/// An estimate for several leaves: RIVM estimates every level on its own,
/// which comes close to the weighted mean that is used here.
fn combined_estimate(leaves: &[&Leaf]) -> Estimate {
    let weight: i64 = leaves.iter().map(|l| l.inhabitants).sum();
    let mean = |value: &dyn Fn(&Leaf) -> i64| div_round(leaves.iter().map(|l| value(l) * l.inhabitants).sum(), weight);
    Estimate {
        values: std::array::from_fn(|i| mean(&|l| l.health[i])),
        lonely_65: mean(&|l| l.lonely_65),
        margin: margin_for(weight * 4 / 5),
        hidden: false,
    }
}

const NATIONAL_HEALTH: [i64; 10] = [75, 50, 50, 15, 17, 58, 49, 12, 14, 18];

/// The 50120NED export for `year` (one of [`HEALTH_YEARS`]), as StatLine's
/// CSV download writes it: everything quoted, codes and names right-padded.
pub fn health_csv(year: i32) -> String {
    let mut out = String::from("\"ID\";\"WijkenEnBuurten\";\"Gemeentenaam_1\";\"SoortRegio_2\";\"Codering_3\";\"Perioden\";\"Leeftijd\";\"Marges\"");
    for column in HEALTH_COLUMNS {
        write!(out, ";\"{column}\"").expect("writing to a String cannot fail");
    }
    out.push('\n');
    let mut id = 0;
    let mut area = |out: &mut String, code: &str, gemeente: &str, kind: &str, e: &Estimate| {
        for age in [AGE_18_PLUS, AGE_65_PLUS] {
            for margin in ["MW00000", "MOG0095", "MBG0095"] {
                write!(out, "\"{id}\";\"{code:<10}\";\"{gemeente:<20}\";\"{kind:<10}\";\"{code:<10}\";\"{year}JJ00\";\"{age}\";\"{margin}\"")
                    .expect("writing to a String cannot fail");
                id += 1;
                for (i, adult) in e.values.iter().enumerate() {
                    // Only severe loneliness differs much by age in the demo;
                    // for 65+ the other estimates are left at the adult figure.
                    let base = if age == AGE_65_PLUS && i == 7 { e.lonely_65 } else { *adult };
                    let value = (base + health_offset(year, i)).clamp(0, 100);
                    // 65+ estimates rest on fewer respondents.
                    let m = if age == AGE_65_PLUS { e.margin + 2 } else { e.margin };
                    let shown = match margin {
                        _ if e.hidden => ".".to_owned(),
                        "MW00000" => value.to_string(),
                        "MOG0095" => (value - m).max(0).to_string(),
                        _ => (value + m).min(100).to_string(),
                    };
                    write!(out, ";\"{shown}\"").expect("writing to a String cannot fail");
                }
                out.push('\n');
            }
        }
    };
    let national = Estimate { values: NATIONAL_HEALTH, lonely_65: 13, margin: 0, hidden: false };
    area(&mut out, "NL00", "Nederland", "Land", &national);
    for (index, (code, name)) in GEMEENTEN.iter().enumerate() {
        let leaves: Vec<&Leaf> = LEAVES.iter().filter(|l| l.gemeente == index).collect();
        area(&mut out, code, name, "Gemeente", &combined_estimate(&leaves));
        for (wijk_code, _) in HEIDERLOO_WIJKEN.iter().filter(|_| index == 2) {
            let parts: Vec<&Leaf> = leaves.iter().copied().filter(|l| l.wijk == Some(wijk_code)).collect();
            area(&mut out, wijk_code, name, "Wijk", &combined_estimate(&parts));
            for leaf in parts {
                area(&mut out, leaf.code, name, "Buurt", &leaf_estimate(leaf));
            }
        }
        for leaf in leaves.iter().filter(|l| l.wijk.is_none()) {
            area(&mut out, leaf.code, name, "Wijk", &leaf_estimate(leaf));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::{parse_health, parse_kwb, AreaCode, Value};
    use wijkregie_core::population::Indicator;

    fn figure(file: &crate::population::KwbImport, code: &str, indicator: Indicator) -> Value {
        let code = AreaCode::parse(code).unwrap();
        file.figures.iter().find(|f| f.area == code && f.indicator == indicator).unwrap().value
    }

    #[test]
    fn every_kwb_year_parses_and_a_gemeente_is_the_sum_of_its_wijken() {
        for year in KWB_YEARS {
            let file = parse_kwb(kwb_csv(year).as_bytes(), &format!("kwb-{year}.csv"), None).unwrap();
            assert_eq!(file.year, year);
            let Value::Known(total) = figure(&file, "GM1993", Indicator::Inhabitants) else { panic!() };
            let parts: Vec<_> = ["WK199301", "WK199302"]
                .into_iter()
                .map(|c| match figure(&file, c, Indicator::Inhabitants) {
                    Value::Known(n) => n,
                    Value::Unknown => panic!("{c}"),
                })
                .collect();
            assert_eq!(total.round(), parts[0].round() + parts[1].round(), "{year}");
        }
    }

    #[test]
    fn hidden_and_not_yet_published_figures_are_unknown_not_zero() {
        let latest = parse_kwb(kwb_csv(2024).as_bytes(), "kwb-2024.csv", None).unwrap();
        assert_eq!(figure(&latest, "WK199101", Indicator::IncomePerInhabitant), Value::Unknown);
        let earlier = parse_kwb(kwb_csv(2022).as_bytes(), "kwb-2022.csv", None).unwrap();
        assert_eq!(figure(&earlier, "BU19930202", Indicator::LowIncomeHouseholds), Value::Unknown);
        assert!(matches!(figure(&earlier, "WK199302", Indicator::LowIncomeHouseholds), Value::Known(_)));
    }

    #[test]
    fn every_health_year_parses_with_intervals_and_hides_the_small_buurt() {
        for year in HEALTH_YEARS {
            let file = parse_health(health_csv(year).as_bytes(), "50120NED.csv", None).unwrap();
            assert_eq!(file.years, vec![year]);
            let lonely = file
                .figures
                .iter()
                .find(|f| {
                    f.area == AreaCode::parse("WK199101").unwrap()
                        && f.indicator == Indicator::SeverelyLonely
                        && f.age_group.as_deref() == Some("20300")
                })
                .unwrap();
            assert!(lonely.interval.is_some());
            let hidden = file
                .figures
                .iter()
                .find(|f| f.area == AreaCode::parse("BU19930202").unwrap() && f.indicator == Indicator::Overweight)
                .unwrap();
            assert_eq!(hidden.value, Value::Unknown);
        }
    }
}
