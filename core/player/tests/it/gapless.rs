use std::path::PathBuf;

use cnt_player::decode;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/"
    ))
    .join(rel)
}

#[test]
fn probe() {
    for set in [
        "44k/wav",
        "44k/flac",
        "44k/mp3_lame_cbr",
        "44k/mp3_lame_vbr",
        "44k/mp3_notag",
        "44k/m4a_aac_editlist",
        "44k/m4a_aac_itunsmpb",
        "44k/ogg_vorbis",
        "48k/opus",
        "48k/flac",
    ] {
        for t in 1..=3 {
            let dir = data(&format!("gapless/{set}"));
            let f = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.file_stem().unwrap().to_str().unwrap() == format!("track0{t}"))
                .next()
                .unwrap();
            let (info, s) = decode::decode_all(&f).unwrap();
            println!(
                "{set} {t}: {} frames; {:?}",
                s.len() / info.channels as usize,
                info
            );
        }
    }
    let (info, s) = decode::decode_all(&data("media/music/freepd_kevin_macleod_30s.mp3")).unwrap();
    println!("music: {} {:?}", s.len() / 2, info);
}
