#!/usr/bin/env python3
"""Builds src/Aid.Application/Donors/PinyinInitials.txt: the pinyin initial of every Han character Unihan gives a
Mandarin reading, and how the common surnames whose everyday reading differs are read as a surname.

The generated file is committed and embedded in Aid.Application (nothing is read or downloaded at run time, and the
build does not need this script). Regenerate it after a Unicode update or an edit of the surname lists below:

    apt-get install -y unicode-data        # Debian/Ubuntu: /usr/share/unicode/Unihan_Readings.txt(.bz2)
    python3 scripts/pinyin-table.py        # or: python3 scripts/pinyin-table.py path/to/Unihan_Readings.txt

Readings: kMandarin's first reading (Unihan: the most customary reading, the first being the one used in mainland
China) unless NAME_READINGS below says otherwise; characters without one fall back to kHanyuPinlu's most frequent
reading, then kXHC1983, kHanyuPinyin, kTGHZ2013, then the reading of a simplified, traditional or same-meaning
variant, or a look-alike one (Unihan_Variants.txt, next to Unihan_Readings.txt). Only the first letter is kept (zh, ch,
sh give z, c, s).
Every block Unihan has readings for is covered (CJK Unified Ideographs, Extensions A to G, compatibility ideographs).
Characters Unihan gives no Mandarin reading (some rare Extension A characters, Japanese-made ones such as 兙) are dropped
from a name's key.

File format (UTF-8, '#' starts a comment line):
    <hex code point> <letters>   one letter a-z per consecutive code point from that one, '.' where there is no reading
    = <surname> <initials>       a surname at the start of a person's name and its initials as a surname (compound
                                 surnames first, as longer ones win)
"""
import bz2
import os
import re
import sys
import unicodedata
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "..", "src", "Aid.Application", "Donors", "PinyinInitials.txt")
CANDIDATES = ["/usr/share/unicode/Unihan_Readings.txt", "/usr/share/unicode/Unihan_Readings.txt.bz2"]

# Surnames read differently from the character's everyday reading (姓氏读音, as in 现代汉语词典 / 百家姓 usage).
# Each is checked against Unihan below: the reading must be one Unihan lists for the character (a typo fails the build).
SURNAMES = {
    "曾": "zēng", "单": "shàn", "解": "xiè", "仇": "qiú", "朴": "piáo", "区": "ōu", "查": "zhā", "盖": "gě",
    "乐": "yuè", "尉": "wèi", "万": "wàn", "沈": "shěn", "长": "cháng", "缪": "miào", "翟": "zhái", "覃": "qín",
    "秘": "bì", "召": "shào", "种": "chóng", "繁": "pó", "句": "gōu", "员": "yùn", "粘": "nián", "隗": "wěi",
    "折": "shé", "柏": "bǎi", "朝": "cháo", "谌": "chén", "宓": "fú", "乜": "niè", "重": "chóng", "厍": "shè",
    "佴": "nài", "能": "nài", "祭": "zhài", "洗": "xiǎn", "冼": "xiǎn", "俞": "yú", "贾": "jiǎ", "藏": "zàng",
    "那": "nā", "过": "guō", "相": "xiàng", "省": "xǐng", "参": "shēn", "车": "chē", "华": "huà", "任": "rén",
    "纪": "jǐ", "燕": "yān", "宁": "nìng", "阚": "kàn", "薄": "bó", "石": "shí", "郇": "xún", "黑": "hè", "蕃": "pí",
    "都": "dū", "莘": "shēn", "红": "hóng", "调": "diào", "卜": "bǔ", "哈": "hǎ", "阿": "ā", "塔": "tǎ", "家": "jiā",
    "应": "yīng", "行": "xíng", "期": "qī", "曲": "qū", "瞿": "qú", "便": "pián", "蔚": "yù", "寻": "xún",
    "殷": "yīn", "褚": "chǔ",
}
# Characters whose reading in names differs from kMandarin's first reading, wherever they stand in a name (kept short:
# a character has one key, so the reading most names use wins). Checked against Unihan like the surnames.
NAME_READINGS = {"晟": "shèng"}
COMPOUND_SURNAMES = {
    "长孙": "zhǎng sūn", "万俟": "mò qí", "尉迟": "yù chí", "单于": "chán yú", "澹台": "tán tái", "令狐": "líng hú",
    "欧阳": "ōu yáng", "司马": "sī mǎ", "上官": "shàng guān", "诸葛": "zhū gě", "东方": "dōng fāng",
    "皇甫": "huáng fǔ", "夏侯": "xià hóu", "公孙": "gōng sūn", "慕容": "mù róng", "宇文": "yǔ wén",
    "闻人": "wén rén", "赫连": "hè lián", "淳于": "chún yú", "乐正": "yuè zhèng", "公冶": "gōng yě",
    "宗政": "zōng zhèng", "濮阳": "pú yáng", "太叔": "tài shū", "申屠": "shēn tú", "呼延": "hū yán",
    "轩辕": "xuān yuán", "钟离": "zhōng lí", "南宫": "nán gōng", "西门": "xī mén", "第五": "dì wǔ",
    "百里": "bǎi lǐ", "东郭": "dōng guō", "拓跋": "tuò bá", "完颜": "wán yán", "司徒": "sī tú", "司空": "sī kōng",
}


def read_lines(path):
    opener = bz2.open if path.endswith(".bz2") else open
    with opener(path, "rt", encoding="utf-8") as f:
        yield from f


def initial(reading):
    """The first letter of a pinyin syllable, tone marks removed: 'zhǎng' -> 'z', 'ê̄' -> 'e', 'ḿ' -> 'm'."""
    for ch in unicodedata.normalize("NFD", reading):
        if "a" <= ch.lower() <= "z":
            return ch.lower()
    return None


def readings_of(field, value):
    """Every reading a field lists, in its own order (kHanyuPinlu by descending frequency)."""
    if field == "kHanyuPinlu":
        pairs = re.findall(r"([^\s(]+)\((\d+)\)", value)
        return [r for r, _ in sorted(pairs, key=lambda p: -int(p[1]))]
    if field in ("kXHC1983", "kHanyuPinyin", "kTGHZ2013"):
        out = []
        for entry in value.split():
            out.extend(entry.split(":", 1)[1].split(","))
        return out
    return value.split()


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else next((p for p in CANDIDATES if os.path.exists(p)), None)
    if source is None:
        sys.exit("Unihan_Readings.txt not found: apt-get install -y unicode-data, or pass its path.")
    fields = defaultdict(dict)
    version = "?"
    for line in read_lines(source):
        if line.startswith("# Unicode version:"):
            version = "Unicode " + line.split(":", 1)[1].strip()
        if not line.startswith("U+"):
            continue
        cp, field, value = line.rstrip("\n").split("\t", 2)
        fields[int(cp[2:], 16)][field] = value

    order = ["kMandarin", "kHanyuPinlu", "kXHC1983", "kHanyuPinyin", "kTGHZ2013"]
    letters = {}
    fallback = 0
    disagree = []
    for cp, f in fields.items():
        for name in order:
            if name in f:
                first = initial(readings_of(name, f[name])[0])
                if first:
                    letters[cp] = first
                    fallback += name != "kMandarin"
                    break
        if "kMandarin" in f and "kHanyuPinlu" in f:
            frequent = initial(readings_of("kHanyuPinlu", f["kHanyuPinlu"])[0])
            if frequent != letters[cp]:
                disagree.append(chr(cp))

    # A character without any reading takes that of its simplified, traditional, same-meaning or look-alike variant
    # (Unihan_Variants: 𠮷 reads as 吉).
    variants_file = os.path.join(os.path.dirname(source), "Unihan_Variants.txt" + (".bz2" if source.endswith(".bz2") else ""))
    borrowed = 0
    if os.path.exists(variants_file):
        variants = defaultdict(dict)
        for line in read_lines(variants_file):
            if line.startswith("U+"):
                cp, field, value = line.rstrip("\n").split("\t", 2)
                variants[int(cp[2:], 16)][field] = [int(v.split("<")[0][2:], 16) for v in value.split()]
        for cp in sorted(fields.keys() | variants.keys()):
            if cp in letters:
                continue
            for field in ("kSimplifiedVariant", "kTraditionalVariant", "kZVariant", "kSemanticVariant", "kSpoofingVariant"):
                target = next((v for v in variants.get(cp, {}).get(field, []) if v in letters), None)
                if target is not None:
                    letters[cp] = letters[target]
                    borrowed += 1
                    break

    def all_readings(ch):
        f = fields.get(ord(ch), {})
        return {initial(r) for name in order if name in f for r in readings_of(name, f[name])}

    for ch, reading in NAME_READINGS.items():
        if initial(reading) not in all_readings(ch):
            sys.exit(f"{ch}: {reading} is not a reading Unihan lists for it")
        letters[ord(ch)] = initial(reading)

    surname_lines = []
    for name, pinyin in sorted(COMPOUND_SURNAMES.items()) + sorted(SURNAMES.items()):
        syllables = pinyin.split()
        assert len(syllables) == len(name), name
        for ch, syllable in zip(name, syllables):
            if initial(syllable) not in all_readings(ch):
                sys.exit(f"{name}: {syllable} is not a reading Unihan lists for {ch}")
        initials = "".join(initial(s) for s in syllables)
        # What the name would get without this line: the single-character surname rule, then everyday readings.
        single = SURNAMES.get(name[0]) if len(name) > 1 else None
        without = (initial(single) if single else letters[ord(name[0])]) + "".join(letters[ord(ch)] for ch in name[1:])
        if initials != without:
            surname_lines.append(f"= {name} {initials}")

    codepoints = sorted(letters)
    segments = []  # merge runs whose gaps are short, so sparse blocks do not cost a line per character
    for cp in codepoints:
        if segments and cp - (segments[-1][0] + len(segments[-1][1])) <= 16:
            start, text = segments[-1]
            segments[-1] = (start, text + "." * (cp - start - len(text)) + letters[cp])
        else:
            segments.append((cp, letters[cp]))

    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as out:
        out.write("# Pinyin initials of Han characters, generated by scripts/pinyin-table.py from Unihan "
                  f"({version}); do not edit, regenerate.\n")
        out.write("# <hex code point> <one letter per code point from there, '.' = no reading>; "
                  "= <surname> <initials as a surname>\n")
        for line in surname_lines:
            out.write(line + "\n")
        for start, text in segments:
            out.write(f"{start:X} {text}\n")

    size = os.path.getsize(OUTPUT)
    print(f"{len(letters)} characters ({fallback} without kMandarin, {borrowed} from a variant), {len(segments)} segments, "
          f"{len(surname_lines)} surname lines, {size} bytes -> {os.path.relpath(OUTPUT)}")
    print(f"kMandarin and kHanyuPinlu's most frequent reading start differently for {len(disagree)}: {''.join(disagree)}")


if __name__ == "__main__":
    main()
