"""Build ``src/tashilat/data/cities.csv`` from a published list of Iran's cities.

One-off extraction script (not run by the tests, not a dependency of the package).

Source of the city list
    npm package ``iran-cities-json@2.0.0`` (MIT licence, (c) 2020 jd1378), which repackages
    release v2.0 of ``ahmadazizi/iran-cities`` (MIT licence, (c) 2017 Ahmad Azizi), a list of
    the country's cities (شهر) with their provinces built from the Statistical Centre of
    Iran's published country divisions. We take every city of ``shahr.json`` with its province
    from ``ostan.json``.

Facts added here (see ``src/tashilat/data/CITIES.md``)
    * the 31 provincial centres and the 1395 (2016) census population of every provincial
      centre and of every city near or over the 200,000 threshold (Statistical Centre of Iran,
      1395 census), entered by hand: ``CENTRES`` and ``POPULATION_1395`` below;
    * English names (``EN``): a romanisation written for this project;
    * aliases (``ALIASES``) and a few clean-ups of the source (``FIXES``).

How to rerun
    cd /tmp && npm pack iran-cities-json@2.0.0          # -> iran-cities-json-2.0.0.tgz
    cd /work/main && .venv/bin/python scripts/build_cities.py /tmp/iran-cities-json-2.0.0.tgz

    The argument may also be the unpacked folder (the one holding ``shahr.json``).
    ``--out`` changes the output path (default: src/tashilat/data/cities.csv).
    ``--check`` builds in memory and fails if the shipped CSV differs (no write).

The script fails loudly if the package is not the expected name/version/licence, if a city
of the package has no English name here, or if a fact entered here names a city that the
package does not contain.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

PACKAGE_NAME = "iran-cities-json"
PACKAGE_VERSION = "2.0.0"
PACKAGE_LICENSE = "MIT"
SOURCE_ID = f"pkg:{PACKAGE_NAME}@{PACKAGE_VERSION}"
CENSUS_ID = "census1395"

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "tashilat" / "data" / "cities.csv"

HEADER = [
    "name_fa",
    "name_en",
    "province_fa",
    "province_en",
    "population_1395",
    "is_provincial_centre",
    "aliases",
    "source",
]

# ostan id in the package -> (Persian name as we ship it, English name).
PROVINCES: dict[int, tuple[str, str]] = {
    1: ("آذربایجان شرقی", "East Azerbaijan"),
    2: ("آذربایجان غربی", "West Azerbaijan"),
    3: ("اردبیل", "Ardabil"),
    4: ("اصفهان", "Isfahan"),
    5: ("البرز", "Alborz"),
    6: ("ایلام", "Ilam"),
    7: ("بوشهر", "Bushehr"),
    8: ("تهران", "Tehran"),
    9: ("چهارمحال و بختیاری", "Chaharmahal and Bakhtiari"),
    10: ("خراسان جنوبی", "South Khorasan"),
    11: ("خراسان رضوی", "Razavi Khorasan"),
    12: ("خراسان شمالی", "North Khorasan"),
    13: ("خوزستان", "Khuzestan"),
    14: ("زنجان", "Zanjan"),
    15: ("سمنان", "Semnan"),
    16: ("سیستان و بلوچستان", "Sistan and Baluchestan"),
    17: ("فارس", "Fars"),
    18: ("قزوین", "Qazvin"),
    19: ("قم", "Qom"),
    20: ("کردستان", "Kurdistan"),
    21: ("کرمان", "Kerman"),
    22: ("کرمانشاه", "Kermanshah"),
    23: ("کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad"),
    24: ("گلستان", "Golestan"),
    25: ("گیلان", "Gilan"),
    26: ("لرستان", "Lorestan"),
    27: ("مازندران", "Mazandaran"),
    28: ("مرکزی", "Markazi"),
    29: ("هرمزگان", "Hormozgan"),
    30: ("همدان", "Hamadan"),
    31: ("یزد", "Yazd"),
}

# Province id -> its centre (مرکز استان), as the package spells it.
CENTRES: dict[int, str] = {
    1: "تبریز",
    2: "ارومیه",
    3: "اردبیل",
    4: "اصفهان",
    5: "کرج",
    6: "ایلام",
    7: "بوشهر",
    8: "تهران",
    9: "شهرکرد",
    10: "بیرجند",
    11: "مشهد",
    12: "بجنورد",
    13: "اهواز",
    14: "زنجان",
    15: "سمنان",
    16: "زاهدان",
    17: "شیراز",
    18: "قزوین",
    19: "قم",
    20: "سنندج",
    21: "کرمان",
    22: "کرمانشاه",
    23: "یاسوج",
    24: "گرگان",
    25: "رشت",
    26: "خرم آباد",
    27: "ساری",
    28: "اراک",
    29: "بندرعباس",
    30: "همدان",
    31: "یزد",
}

# 1395 (2016) census population (Statistical Centre of Iran), entered by hand.
# Every provincial centre, every city over 200,000, and the cities just under the threshold
# (so that a reviewer sees why they are tier 3). Keys: (province id, name as in the package).
POPULATION_1395: dict[tuple[int, str], int] = {
    # --- provincial centres ---
    (8, "تهران"): 8_693_706,
    (11, "مشهد"): 3_001_184,
    (4, "اصفهان"): 1_961_260,
    (5, "کرج"): 1_592_492,
    (17, "شیراز"): 1_565_572,
    (1, "تبریز"): 1_558_693,
    (19, "قم"): 1_201_158,
    (13, "اهواز"): 1_184_788,
    (22, "کرمانشاه"): 946_651,
    (2, "ارومیه"): 736_224,
    (25, "رشت"): 679_995,
    (16, "زاهدان"): 587_730,
    (30, "همدان"): 554_406,
    (21, "کرمان"): 537_718,
    (31, "یزد"): 529_673,
    (3, "اردبیل"): 529_374,
    (29, "بندرعباس"): 526_648,
    (28, "اراک"): 520_944,
    (14, "زنجان"): 430_871,
    (20, "سنندج"): 412_767,
    (18, "قزوین"): 402_748,
    (26, "خرم آباد"): 373_416,
    (24, "گرگان"): 350_676,
    (27, "ساری"): 309_820,
    (12, "بجنورد"): 228_931,
    (7, "بوشهر"): 223_504,
    (10, "بیرجند"): 203_636,
    (6, "ایلام"): 194_030,
    (9, "شهرکرد"): 190_441,
    (15, "سمنان"): 185_129,
    (23, "یاسوج"): 134_532,
    # --- not provincial centres, over 200,000 ---
    (8, "اسلامشهر"): 448_129,
    (8, "شهریار"): 309_607,
    (8, "قدس"): 309_605,
    (4, "کاشان"): 304_487,
    (8, "ملارد"): 281_027,
    (13, "دزفول"): 264_709,
    (11, "نیشابور"): 264_375,
    (27, "بابل"): 250_217,
    (4, "خمینی شهر"): 247_128,
    (11, "سبزوار"): 243_700,
    (8, "گلستان"): 239_556,
    (27, "آمل"): 237_528,
    (8, "پاکدشت"): 236_319,
    (4, "نجف آباد"): 235_281,
    (26, "بروجرد"): 234_997,
    (13, "آبادان"): 231_476,
    (8, "قرچک"): 231_075,
    (8, "ورامین"): 225_628,
    (28, "ساوه"): 220_762,
    (27, "قایم شهر"): 204_953,
    (8, "نسیم شهر"): 200_393,
    # --- just under 200,000 (tier 3; listed for review) ---
    (21, "سیرجان"): 199_704,
    (2, "خوی"): 198_845,
    (2, "بوکان"): 193_501,
}

# Source clean-ups, by the package's city id: (province id, name in the package, new name_fa,
# new name_en, extra aliases). The package has two «گلوگاه» in Mazandaran: id 1216 is the
# city in Babol county, id 1217 the centre of Galugah county (the package keeps the order of
# the official division codes, 202032390 < 222021157).
FIXES: dict[int, tuple[int, str, str, str, tuple[str, ...]]] = {
    1216: (27, "گلوگاه", "گلوگاه بابل", "Galugah (Babol)", ("Galugah-e Babol",)),
}
# By name: names carrying a second name in brackets -> (new name_fa, aliases).
RENAMES: dict[tuple[int, str], tuple[str, tuple[str, ...]]] = {
    (1, "خداجو(خراجو)"): ("خداجو", ("خراجو", "خداجو(خراجو)")),
    (17, "کارزین (فتح آباد)"): ("کارزین", ("کارزین (فتح آباد)", "فتح آباد", "Fathabad")),
    (25, "هشتپر (تالش)"): ("هشتپر", ("تالش", "هشتپر (تالش)", "Talesh")),
    (5, "شهرجدیدهشتگرد"): ("شهر جدید هشتگرد", ("شهرجدیدهشتگرد",)),
    (27, "قایم شهر"): ("قائم شهر", ("قایم شهر",)),
    (18, "بویین زهرا"): ("بوئین زهرا", ("بویین زهرا",)),
    (4, "نایین"): ("نائین", ("نایین",)),
}
# Rows of the package that are not cities: Tabriz's municipal zones («تبریز1-» … «تبریز4-»).
EXCLUDE_IF_CONTAINS_DIGIT = True

# Other spellings people type (Persian and Latin). Keys: (province id, name as in package).
ALIASES: dict[tuple[int, str], tuple[str, ...]] = {
    (8, "تهران"): ("Teheran",),
    (11, "مشهد"): ("Meshed", "Mashad"),
    (4, "اصفهان"): ("Esfahan", "Sepahan"),
    (19, "قم"): ("Ghom", "Qum"),
    (13, "اهواز"): ("Ahwaz",),
    (22, "کرمانشاه"): ("Kermanshahan", "Bakhtaran", "باختران"),
    (2, "ارومیه"): ("Orumiyeh", "Urumieh", "Orumieh", "Urmieh", "اورمیه"),
    (30, "همدان"): ("Hamedan",),
    (3, "اردبیل"): ("Ardebil",),
    (29, "بندرعباس"): ("Bandar-e Abbas", "Bandar Abas"),
    (18, "قزوین"): ("Ghazvin", "Qazwin"),
    (26, "خرم آباد"): ("Khoramabad", "Khorram Abad"),
    (20, "سنندج"): ("Sine", "سنه"),
    (24, "گرگان"): ("Gurgan",),
    (23, "یاسوج"): ("Yasouj", "Yasooj"),
    (9, "شهرکرد"): ("Shahr-e Kord", "Shahr-e Kurd"),
    (12, "بجنورد"): ("Bojnurd", "Bojnourd"),
    (7, "بوشهر"): ("Bushire",),
    (8, "اسلامشهر"): ("Eslam Shahr", "Islamshahr", "اسلام شهر"),
    (8, "قدس"): ("Shahr-e Qods", "Ghods", "شهر قدس"),
    (8, "شهریار"): ("Shahriyar",),
    (8, "نسیم شهر"): ("Nasim Shahr",),
    (8, "قرچک"): ("Gharchak",),
    (8, "ری"): ("Ray", "Shahr-e Rey", "شهرری", "شهر ری"),
    (11, "نیشابور"): ("Nishapur", "Nishabur", "Neishabur"),
    (4, "خمینی شهر"): ("Khomeinishahr", "Khomeini Shahr"),
    (4, "نجف آباد"): ("Najaf Abad",),
    (27, "قایم شهر"): ("Qaemshahr", "Ghaemshahr", "Ghaem Shahr"),
    (13, "دزفول"): ("Dezfoul",),
    (13, "بندرماهشهر"): ("Mahshahr", "Bandar-e Mahshahr", "ماهشهر"),
    (13, "بندرامام خمینی"): ("Bandar-e Emam Khomeyni", "Bandar Imam"),
    (29, "بندرلنگه"): ("Bandar-e Lengeh", "Lengeh"),
    (29, "بندرجاسک"): ("Bandar-e Jask", "Jask", "جاسک"),
    (25, "بندرانزلی"): ("Bandar-e Anzali", "Anzali", "انزلی"),
    (24, "بندرترکمن"): ("Bandar-e Torkaman",),
    (24, "بندرگز"): ("Bandar-e Gaz",),
    (7, "بندرگناوه"): ("Genaveh", "Bandar-e Genaveh", "گناوه"),
    (7, "بندرکنگان"): ("Kangan", "Bandar-e Kangan", "کنگان"),
    (7, "بندردیر"): ("Deyr", "Bandar-e Deyr"),
    (7, "بندردیلم"): ("Deylam", "Bandar-e Deylam"),
    (7, "بندرریگ"): ("Bandar-e Rig",),
    (16, "چابهار"): ("Chah Bahar", "چاه بهار"),
    (11, "تربت حیدریه"): ("Torbat-e Heydariyeh", "Torbat Heydarieh"),
    (11, "تربت جام"): ("Torbat Jam",),
    (22, "اسلام آبادغرب"): ("Eslamabad Gharb", "Islamabad-e Gharb"),
    (22, "سرپل ذهاب"): ("Sar-e Pol-e Zahab", "Sarpol Zahab"),
    (22, "قصرشیرین"): ("Qasr Shirin",),
    (22, "گیلانغرب"): ("Gilan Gharb",),
    (24, "گنبدکاووس"): ("Gonbad Kavus", "Gonbad", "گنبد"),
    (13, "مسجدسلیمان"): ("Masjed-e Soleyman", "Masjed Soleiman"),
    (17, "شهرصدرا"): ("Shahr-e Sadra", "صدرا"),
    (17, "نی ریز"): ("Neyriz", "Niriz", "نیریز"),
    (31, "ابرکوه"): ("Abarqu",),
    (25, "صومعه سرا"): ("Sowme'eh Sara", "Someh Sara"),
    (21, "مس سرچشمه"): ("Sarcheshmeh", "سرچشمه"),
}

# English names: province id -> lines "name in the package=English".
EN: dict[int, str] = {
    1: """
آبش احمد=Abish Ahmad
آذرشهر=Azarshahr
آقکند=Aqkand
اچاچی=Achachi
اربطان=Arbatan
اسکو=Osku
اهر=Ahar
ایلخچی=Ilkhchi
باسمنج=Basmenj
بخشایش=Bakhshayesh
بستان آباد=Bostanabad
بناب=Bonab
بناب مرند=Bonab-e Marand
تبریز=Tabriz
ترک=Tark
ترکمانچای=Torkamanchay
تسوج=Tasuj
تیکمه داش=Tikmeh Dash
تیمورلو=Teymurlu
جلفا=Jolfa
جوان قلعه=Javan Qaleh
خاروانا=Kharvana
خامنه=Khameneh
خداجو(خراجو)=Khodaju
خسروشاه=Khosrowshah
خمارلو=Khomarlu
خواجه=Khajeh
خوشه مهر=Khusheh Mehr
دوزدوزان=Duzduzan
زرنق=Zarnaq
زنوز=Zonuz
سراب=Sarab
سردرود=Sardrud
سهند=Sahand
سیس=Sis
سیه رود=Siah Rud
شبستر=Shabestar
شربیان=Sharabian
شرفخانه=Sharafkhaneh
شندآباد=Shendabad
صوفیان=Sufian
عجب شیر=Ajab Shir
قره آغاج=Qarah Aghaj
کشکسرای=Kashksaray
کلوانق=Kolvanaq
کلیبر=Kaleybar
کوزه کنان=Kuzeh Kanan
گوگان=Gugan
لیلان=Leylan
مبارک شهر=Mobarak Shahr
مراغه=Maragheh
مرند=Marand
ملکان=Malekan
ممقان=Mamqan
مهربان=Mehraban
میانه=Miyaneh
نظرکهریزی=Nazarkahrizi
وایقان=Vayqan
ورزقان=Varzaqan
هادیشهر=Hadishahr
هریس=Heris
هشترود=Hashtrud
هوراند=Hurand
یامچی=Yamchi
""",
    2: """
آواجیق=Avajiq
ارومیه=Urmia
اشنویه=Oshnavieh
ایواوغلی=Ivughli
باروق=Baruq
بازرگان=Bazargan
بوکان=Bukan
پلدشت=Poldasht
پیرانشهر=Piranshahr
تازه شهر=Tazeh Shahr
تازه کندنصرت آباد=Tazeh Kand-e Nosratabad
تکاب=Takab
چهاربرج=Chahar Borj
حاجیلار=Hajilar
خلیفان=Khalifan
خوی=Khoy
دیزج دیز=Dizaj Diz
ربط=Rabat
زرآباد=Zarabad
سردشت=Sardasht
سرو=Serow
سلماس=Salmas
سیلوانه=Silvaneh
سیمینه=Simmineh
سیه چشمه=Siah Cheshmeh
شاهین دژ=Shahin Dezh
شوط=Shut
فیرورق=Firuraq
قره ضیاءالدین=Qarah Zia od Din
قطور=Qotur
قوشچی=Qushchi
کشاورز=Keshavarz
گوگ تپه=Gug Tappeh
لاجان=Lajan
ماکو=Maku
محمدیار=Mohammadyar
محمودآباد=Mahmudabad
مرگنلر=Marganlar
مهاباد=Mahabad
میاندوآب=Miandoab
میرآباد=Mirabad
نازک علیا=Nazok-e Olya
نالوس=Nalus
نقده=Naqadeh
نلاس=Nelas
نوشین=Nushin
یولاگلدی=Yolaguldi
""",
    3: """
آبی بیگلو=Abi Beyglu
اردبیل=Ardabil
اردیموسی=Ardimusi
اسلام اباد=Eslamabad
اصلاندوز=Aslan Duz
بیله سوار=Bileh Savar
پارس آباد=Parsabad
تازه کندانگوت=Tazeh Kand-e Angut
ثمرین=Samarin
جعفرآباد=Jafarabad
خلخال=Khalkhal
رضی=Razi
زهرا=Zahra
سرعین=Sarein
عنبران=Anbaran
فخراباد=Fakhrabad
قصابه=Qasabeh
کلور=Kolowr
کوراییم=Kuraim
گرمی=Germi
گیوی=Givi
لاهرود=Lahrud
مرادلو=Moradlu
مشگین شهر=Meshginshahr
مغان سر=Moghansar
نمین=Namin
نیر=Nir
هشتجین=Hashjin
هیر=Hir
""",
    4: """
آران وبیدگل=Aran va Bidgol
ابریشم=Abrisham
ابوزیدآباد=Abuzeydabad
اردستان=Ardestan
اژیه=Ezhiyeh
اصغرآباد=Asgharabad
اصفهان=Isfahan
افوس=Afus
انارک=Anarak
ایمانشهر=Imanshahr
بادرود=Badrud
باغ بهادران=Bagh-e Bahadoran
باغشاد=Baghshad
بافران=Bafran
برزک=Barzok
برف انبار=Barf Anbar
بویین ومیاندشت=Buin va Miandasht
بهاران شهر=Baharanshahr
بهارستان=Baharestan
بیده=Bideh
پیربکران=Pir Bakran
تودشک=Tudeshk
تیران=Tiran
جندق=Jandaq
جوزدان=Juzdan
جوشقان قالی=Jowshaqan-e Qali
چادگان=Chadegan
چرمهین=Charmahin
چمگردان=Chamgardan
حبیب آباد=Habibabad
حسن اباد=Hasanabad
حنا=Hana
خالدآباد=Khaledabad
خمینی شهر=Khomeyni Shahr
خوانسار=Khansar
خور=Khur
خورزوق=Khurzuq
داران=Daran
دامنه=Damaneh
درچه=Dorcheh
دستگرد=Dastgerd
دولت آباد=Dowlatabad
ده سرخ=Deh Sorkh
دهاقان=Dehaqan
دهق=Dehaq
دیزیچه=Dizicheh
رزوه=Razveh
رضوانشهر=Rezvanshahr
زازران=Zazeran
زاینده رود=Zayandeh Rud
زرین شهر=Zarrin Shahr
زواره=Zavareh
زیار=Ziar
زیباشهر=Zibashahr
سجزی=Sejzi
سده لنجان=Sedeh Lenjan
سفیدشهر=Sefidshahr
سمیرم=Semirom
سین=Sin
شاپورآباد=Shapurabad
شاهین شهر=Shahin Shahr
شهرضا=Shahreza
طالخونچه=Talkhuncheh
طرق رود=Taraq Rud
عسگران=Asgaran
علویجه=Alavijeh
فتح آباد=Fathabad
فرخی=Farrokhi
فریدونشهر=Fereydunshahr
فلاورجان=Falavarjan
فولادشهر=Fuladshahr
قمصر=Qamsar
قهجاورستان=Qahjavarestan
قهدریجان=Qahderijan
کاشان=Kashan
کامو و چوگان=Kamu va Chugan
کرکوند=Karkevand
کلیشادوسودرجان=Kelishad va Sudarjan
کمشچه=Komeshcheh
کمه=Kommeh
کوشک=Kushk
کوهپایه=Kuhpayeh
کهریزسنگ=Kahriz Sang
گرگاب=Gorgab
گزبرخوار=Gaz-e Borkhar
گلپایگان=Golpayegan
گلدشت=Goldasht
گلشن=Golshan
گلشهر=Golshahr
گوگد=Gugad
لای بید=Lay Bid
مبارکه=Mobarakeh
مجلسی=Majlesi
محمدآباد=Mohammadabad
مشکات=Meshkat
منظریه=Manzariyeh
مهاباد=Mahabad
میمه=Meymeh
نایین=Nain
نجف آباد=Najafabad
نصرآباد=Nasrabad
نطنز=Natanz
نوش آباد=Nushabad
نیاسر=Niasar
نیک آباد=Nikabad
ورزنه=Varzaneh
ورنامخواست=Varnamkhast
وزوان=Vazvan
ونک=Vanak
هرند=Harand
""",
    5: """
آسارا=Asara
اشتهارد=Eshtehard
تنکمان=Tankaman
چهارباغ=Chaharbagh
شهرجدیدهشتگرد=Hashtgerd New Town
طالقان=Taleqan
فردیس=Fardis
کرج=Karaj
کمال شهر=Kamal Shahr
کوهسار=Kuhsar
گرمدره=Garmdarreh
گلسار=Golsar
ماهدشت=Mahdasht
محمدشهر=Mohammad Shahr
مشکین دشت=Meshkin Dasht
نظرآباد=Nazarabad
هشتگرد=Hashtgerd
""",
    6: """
آبدانان=Abdanan
آسمان آباد=Aseman Abad
ارکواز=Arkavaz
ایلام=Ilam
ایوان=Eyvan
بدره=Badreh
بلاوه=Balaveh
پهله=Pahleh
توحید=Towhid
چشمه شیرین=Cheshmeh Shirin
چوار=Chavar
دره شهر=Darreh Shahr
دلگشا=Delgosha
دهلران=Dehloran
زرنه=Zarneh
سراب باغ=Sarab Bagh
سرابله=Sarableh
شباب=Shabab
صالح آباد=Salehabad
لومار=Lumar
ماژین=Mazhin
مورموری=Murmuri
موسیان=Musian
مهر=Mehr
مهران=Mehran
میمه=Meymeh
""",
    7: """
آب پخش=Ab Pakhsh
آباد=Abad
آبدان=Abdan
امام حسن=Emam Hasan
انارستان=Anarestan
اهرم=Ahram
بادوله=Baduleh
برازجان=Borazjan
بردخون=Bordkhun
بردستان=Bardestan
بندردیر=Bandar Deyr
بندردیلم=Bandar Deylam
بندرریگ=Bandar Rig
بندرکنگان=Bandar Kangan
بندرگناوه=Bandar Genaveh
بنک=Bonak
بوشکان=Bushkan
بوشهر=Bushehr
بهارستان=Baharestan
بیدخون=Bidkhun
تنگ ارم=Tang-e Eram
جم=Jam
چاه مبارک=Chah Mobarak
چغادک=Choghadak
خارک=Khark
خورموج=Khormuj
دالکی=Dalaki
دلوار=Delvar
دوراهک=Dowrahak
ریز=Riz
سعد آباد=Saadabad
سیراف=Siraf
شبانکاره=Shabankareh
شنبه=Shonbeh
عالی شهر=Ali Shahr
عسلویه=Asaluyeh
کاکی=Kaki
کلمه=Kalameh
نخل تقی=Nakhl Taqi
وحدتیه=Vahdatiyeh
""",
    8: """
آبسرد=Absard
آبعلی=Abali
احمد آباد مستوفی=Ahmadabad-e Mostowfi
ارجمند=Arjomand
اسلامشهر=Eslamshahr
اندیشه=Andisheh
باغستان=Baghestan
باقرشهر=Baqershahr
بومهن=Bumehen
پاکدشت=Pakdasht
پردیس=Pardis
پرند=Parand
پیشوا=Pishva
تجریش=Tajrish
تهران=Tehran
جوادآباد=Javadabad
چهاردانگه=Chahardangeh
حسن آباد=Hasanabad
دماوند=Damavand
ری=Rey
رباطکریم=Robat Karim
رودهن=Rudehen
شاهدشهر=Shahedshahr
شریف آباد=Sharifabad
شمشک=Shemshak
شهریار=Shahriar
صالحیه=Salehiyeh
صباشهر=Sabashahr
صفادشت=Safadasht
فردوسیه=Ferdowsiyeh
فرون اباد=Farunabad
فشم=Fasham
فیروزکوه=Firuzkuh
قدس=Qods
قرچک=Qarchak
قلعه نو=Qaleh Now
قیام دشت=Qiamdasht
کهریزک=Kahrizak
کیلان=Kilan
گلستان=Golestan
لواسان=Lavasan
ملارد=Malard
نسیم شهر=Nasimshahr
نصیرشهر=Nasirshahr
وحیدیه=Vahidiyeh
ورامین=Varamin
""",
    9: """
آلونی=Aluni
اردل=Ardal
باباحیدر=Baba Heydar
بازفت=Bazoft
بروجن=Borujen
بلداجی=Boldaji
بن=Ben
پردنجان=Pardanjan
جونقان=Junqan
چلگرد=Chelgerd
چلیچه=Chelicheh
دستنا=Dastena
دشتک=Dashtak
سامان=Saman
سرخون=Sarkhun
سردشت=Sardasht
سفیددشت=Sefid Dasht
سودجان=Sudjan
سورشجان=Sureshjan
شلمزار=Shalamzar
شهرکرد=Shahrekord
صمصامی=Samsami
طاقانک=Taqanak
فارسان=Farsan
فرادبنه=Faradonbeh
فرخ شهر=Farrokh Shahr
فیل اباد=Filabad
کاج=Kaj
کیان=Kian
گندمان=Gandoman
گوجان=Gujan
گهرو=Gahru
لردگان=Lordegan
مال خلیفه=Mal-e Khalifeh
منج=Manj
ناغان=Naghan
نافچ=Nafech
نقنه=Naqneh
وردنجان=Vardanjan
هارونی=Haruni
هفشجان=Hafshejan
هوره=Hureh
یان چشمه=Yan Cheshmeh
""",
    10: """
آبیز=Abiz
آرین شهر=Arianshahr
آیسک=Ayask
ارسک=Arsak
اسدیه=Asadiyeh
اسفدن=Esfeden
اسلامیه=Eslamiyeh
بشرویه=Boshruyeh
بیرجند=Birjand
حاجی آباد=Hajiabad
خضری دشت بیاض=Khezri Dasht-e Bayaz
خوسف=Khusf
درح=Dorokh
دیهوک=Dihuk
زهان=Zohan
سرایان=Sarayan
سربیشه=Sarbisheh
سه قلعه=Seh Qaleh
شوسف=Shusef
طبس=Tabas
طبس مسینا=Tabas Masina
عشق آباد=Eshqabad
فردوس=Ferdows
قاین=Qaen
قهستان=Qohestan
گزیک=Gazik
محمدشهر=Mohammad Shahr
مود=Mud
نهبندان=Nehbandan
نیمبلوک=Nimbeluk
""",
    11: """
احمدابادصولت=Ahmadabad-e Sowlat
انابد=Anabad
باجگیران=Bajgiran
باخرز=Bakharz
بار=Bar
بایک=Bayg
بجستان=Bajestan
بردسکن=Bardaskan
بیدخت=Bidokht
تایباد=Taybad
تربت جام=Torbat-e Jam
تربت حیدریه=Torbat-e Heydarieh
جغتای=Joghatay
جنگل=Jangal
چاپشلو=Chapeshlu
چکنه=Chekneh
چناران=Chenaran
حکم اباد=Hokmabad
خرو=Kharv
خلیل آباد=Khalilabad
خواف=Khaf
داورزن=Davarzan
درگز=Dargaz
درود=Darrud
دولت آباد=Dowlatabad
رباط سنگ=Robat-e Sang
رشتخوار=Roshtkhar
رضویه=Razaviyeh
روداب=Rudab
ریواده=Rivadeh
ریوش=Rivash
سبزوار=Sabzevar
سرخس=Sarakhs
سفیدسنگ=Sefid Sang
سلامی=Salami
سلطان آباد=Soltanabad
سمیع آباد=Samiabad
سنگان=Sangan
شادمهر=Shadmehr
شاندیز=Shandiz
ششتمد=Sheshtamad
شهراباد=Shahrabad
شهرزو=Shahrzu
صالح آباد=Salehabad
طرقبه=Torqabeh
عشق آباد=Eshqabad
فرهادگرد=Farhadgerd
فریمان=Fariman
فیروزه=Firuzeh
فیض آباد=Feyzabad
قاسم آباد=Qasemabad
قدمگاه=Qadamgah
قلندرآباد=Qalandarabad
قوچان=Quchan
کاخک=Kakhk
کاریز=Kariz
کاشمر=Kashmar
کدکن=Kadkan
کلات=Kalat
کندر=Kondor
گلبهار=Golbahar
گلمکان=Golmakan
گناباد=Gonabad
لطف آباد=Lotfabad
مزدآوند=Mazdavand
مشکان=Mashkan
مشهد=Mashhad
مشهد ثامن=Mashhad-e Samen
مشهدریزه=Mashhad Rizeh
ملک آباد=Malekabad
نشتیفان=Nashtifan
نصرآباد=Nasrabad
نقاب=Neqab
نوخندان=Nowkhandan
نیشابور=Neyshabur
نیل شهر=Nilshahr
همت آباد=Hemmatabad
یونسی=Yunesi
""",
    12: """
آشخانه=Ashkhaneh
آوا=Ava
اسفراین=Esfarayen
ایور=Ivar
بجنورد=Bojnord
پیش قلعه=Pish Qaleh
تیتکانلو=Titkanlu
جاجرم=Jajarm
چناران شهر=Chenaran Shahr
حصارگرمخان=Hesar-e Garmkhan
درق=Daraq
راز=Raz
زیارت=Ziarat
سنخواست=Sankhast
شوقان=Shuqan
شیروان=Shirvan
صفی آباد=Safiabad
غلامان=Gholaman
فاروج=Faruj
قاضی=Qazi
قوشخانه=Qushkhaneh
گرمه=Garmeh
لوجلی=Lujali
یکه سعود=Yekkeh Saud
""",
    13: """
آبادان=Abadan
آبژدان=Abezhdan
آزادی=Azadi
آغاجاری=Aghajari
ابوحمیظه=Abu Homeyzeh
اروندکنار=Arvand Kenar
الوان=Alvan
الهایی=Elhayi
امیدیه=Omidiyeh
اندیمشک=Andimeshk
اهواز=Ahvaz
ایذه=Izeh
باغ ملک=Bagh-e Malek
بستان=Bostan
بندرامام خمینی=Bandar Imam Khomeini
بندرماهشهر=Bandar Mahshahr
بهبهان=Behbahan
بیدروبه=Bidrubeh
ترکالکی=Torkalaki
تشان=Tashan
جایزان=Jayezan
جنت مکان=Jannat Makan
جولکی=Julaki
چغامیش=Choghamish
چم گلک=Cham Golak
چمران=Chamran
چویبده=Chovaybdeh
حر=Hor
حسینیه=Hoseyniyeh
حمزه=Hamzeh
حمیدیه=Hamidiyeh
خرمشهر=Khorramshahr
خنافره=Khanafereh
دارخوین=Darkhoveyn
دزفول=Dezful
دهدز=Dehdez
رامشیر=Ramshir
رامهرمز=Ramhormoz
رفیع=Rafi
رود زرد ماشین=Rud Zard-e Mashin
زاووت=Zavut
زهره=Zohreh
سالند=Saland
سرداران=Sardaran
سردشت=Sardasht
سلطان آباد=Soltanabad
سماله=Semaleh
سوسنگرد=Susangerd
سیاه منصور=Siah Mansur
شادگان=Shadegan
شاوور=Shavur
شرافت=Sherafat
شمس آباد=Shamsabad
شوش=Shush
شوشتر=Shushtar
شهر امام=Shahr-e Emam
شهیون=Shahiyun
شیبان=Sheyban
صالح شهر=Saleh Shahr
صفی آباد=Safiabad
صیدون=Seydun
عنبر=Anbar
فتح المبین=Fath ol Mobin
قلعه تل=Qaleh Tall
قلعه خواجه=Qaleh Khajeh
کوت سیدنعیم=Kut-e Seyyed Naim
کوت عبداله=Kut-e Abdollah
گتوند=Gotvand
گلگیر=Golgir
گوریه=Guriyeh
لالی=Lali
مسجدسلیمان=Masjed Soleyman
مشراگه=Mashrageh
مقاومت=Moqavemat
ملاثانی=Mollasani
منصوریه=Mansuriyeh
میانرود=Mianrud
میداود=Meydavud
مینوشهر=Minushahr
ویس=Veys
هفتگل=Haftkel
هندیجان=Hendijan
هویزه=Hoveyzeh
""",
    14: """
آب بر=Ab Bar
ابهر=Abhar
ارمغانخانه=Armaghankhaneh
چورزق=Chavarzaq
حلب=Halab
خرمدره=Khorramdarreh
دندی=Dandi
زرین آباد=Zarrinabad
زرین رود=Zarrin Rud
زنجان=Zanjan
سجاس=Sejas
سلطانیه=Soltaniyeh
سهرورد=Sohrevard
صایین قلعه=Sain Qaleh
قیدار=Qeydar
کرسف=Karsof
گرماب=Garmab
ماه نشان=Mahneshan
نوربهار=Nurbahar
نیک پی=Nikpey
هیدج=Hidaj
""",
    15: """
آرادان=Aradan
امیریه=Amiriyeh
ایوانکی=Eyvanki
بسطام=Bastam
بیارجمند=Biarjomand
دامغان=Damghan
درجزین=Darjazin
دیباج=Dibaj
رودیان=Rudian
سرخه=Sorkheh
سمنان=Semnan
شاهرود=Shahrud
شهمیرزاد=Shahmirzad
کلاته=Kalateh
کلاته خیج=Kalateh Khij
کهن آباد=Kohanabad
گرمسار=Garmsar
مجن=Mojen
مهدی شهر=Mahdishahr
میامی=Miami
""",
    16: """
آشار=Ashar
ادیمی=Adimi
اسپکه=Espakeh
ایرانشهر=Iranshahr
بزمان=Bazman
بمپور=Bampur
بنت=Bent
بنجار=Bonjar
پارود=Parud
پلان=Polan
پیشین=Pishin
جالق=Jaleq
چابهار=Chabahar
چگرد=Chegerd
خاش=Khash
دوست محمد=Dust Mohammad
ده رییس=Deh Rais
راسک=Rask
ریگ ملک=Rig Malek
زابل=Zabol
زاهدان=Zahedan
زرآباد=Zarabad
زهک=Zahak
ساربوک=Sarbuk
سراوان=Saravan
سرباز=Sarbaz
سوران=Suran
سیرکان=Sirkan
شهرک سرجنگل=Shahrak-e Sar Jangal
شهرک علی اکبر=Shahrak-e Ali Akbar
فنوج=Fanuj
قرقری=Qarqori
قصرقند=Qasr-e Qand
کتیج=Kotij
کنارک=Konarak
گشت=Gosht
گلمورتی=Golmurti
محمدآباد=Mohammadabad
محمدان=Mohammadan
محمدی=Mohammadi
مهرستان=Mehrestan
میرجاوه=Mirjaveh
نصرت آباد=Nosratabad
نگور=Negur
نوک آباد=Nukabad
نیک شهر=Nikshahr
هیدوچ=Hiduj
""",
    17: """
آباده=Abadeh
آباده طشک=Abadeh Tashk
ارد=Arad
اردکان=Ardakan
ارسنجان=Arsanjan
استهبان=Estahban
اسیر=Asir
اشکنان=Ashkanan
افزر=Afzar
اقلید=Eqlid
امام شهر=Emamshahr
اوز=Evaz
اهل=Ahel
ایج=Ij
ایزدخواست=Izadkhast
باب انار=Bab Anar
بابامنیر=Baba Monir
بالاده=Baladeh
بنارویه=Banaruiyeh
بوانات=Bavanat
بهمن=Bahman
بیرم=Beyram
بیضا=Beyza
جنت شهر=Jannat Shahr
جویم=Juyom
جهرم=Jahrom
چاه ورز=Chah Varz
حاجی آباد=Hajiabad
حسامی=Hesami
حسن اباد=Hasanabad
خانه زنیان=Khaneh Zenyan
خانیمن=Khanimen
خاوران=Khavaran
خرامه=Kharameh
خشت=Khesht
خنج=Khonj
خور=Khur
خوزی=Khuzi
خومه زار=Khumeh Zar
داراب=Darab
داریان=Daryan
دبیران=Dabiran
دژکرد=Dezhkord
دوبرجی=Doborji
دوزه=Duzeh
دهرم=Dehram
رامجرد=Ramjerd
رستاق=Rostaq
رونیز=Runiz
زاهدشهر=Zahedshahr
زرقان=Zarqan
سده=Sedeh
سروستان=Sarvestan
سعادت شهر=Saadat Shahr
سلطان شهر=Soltan Shahr
سورمق=Surmaq
سیدان=Seyyedan
ششده=Sheshdeh
شهرپیر=Shahr-e Pir
شهرصدرا=Sadra
شیراز=Shiraz
صغاد=Soghad
صفاشهر=Safashahr
طسوج=Tasuj
علامرودشت=Alamarvdasht
عماد شهر=Emad Shahr
فدامی=Fadami
فراشبند=Farashband
فسا=Fasa
فیروزآباد=Firuzabad
قادراباد=Qaderabad
قایمیه=Qaemiyeh
قره بلاغ=Qarah Bolagh
قطب آباد=Qotbabad
قطرویه=Qatruyeh
قیر=Qir
کارزین (فتح آباد)=Karzin
کازرون=Kazerun
کامفیروز=Kamfiruz
کره ای=Kareh Ei
کنارتخته=Konartakhteh
کوار=Kavar
کوپن=Kupon
کوهنجان=Kuhenjan
گراش=Gerash
گله دار=Galleh Dar
لار=Lar
لامرد=Lamerd
لپویی=Lapui
لطیفی=Latifi
مادرسلیمان=Madar-e Soleyman
مبارک آباددیز=Mobarakabad-e Diz
محمله=Mohammaleh
مرودشت=Marvdasht
مزایجان=Mazayjan
مشکان=Meshkan
مصیری=Masiri
مهر=Mohr
میانشهر=Mianshahr
میمند=Meymand
نوبندگان=Nowbandegan
نوجین=Nujin
نودان=Nudan
نورآباد=Nurabad
نی ریز=Neyriz
وراوی=Varavi
هماشهر=Homashahr
""",
    18: """
آبگرم=Abgarm
آبیک=Abyek
آوج=Avaj
ارداق=Ardaq
اسفرورین=Esfarvarin
اقبالیه=Eqbaliyeh
الوند=Alvand
بویین زهرا=Buin Zahra
بیدستان=Bidestan
تاکستان=Takestan
خاکعلی=Khakali
خرمدشت=Khorramdasht
دانسفهان=Danesfahan
رازمیان=Razmian
سگزآباد=Sagzabad
سیردان=Sirdan
شال=Shal
شریفیه=Sharifiyeh
ضیاآباد=Ziaabad
قزوین=Qazvin
کوهین=Kuhin
محمدیه=Mohammadiyeh
محمودآبادنمونه=Mahmudabad Nemuneh
معلم کلایه=Moallem Kalayeh
نرجه=Narjeh
""",
    19: """
جعفریه=Jafariyeh
دستجرد=Dastjerd
سلفچگان=Salafchegan
قم=Qom
قنوات=Qanavat
کهک=Kahak
""",
    20: """
آرمرده=Armardeh
اورامان تخت=Uraman Takht
بابارشانی=Babarashani
بانه=Baneh
برده رشه=Bardeh Rasheh
بلبان آباد=Bolbanabad
بویین سفلی=Buin-e Sofla
بیجار=Bijar
پیرتاج=Pir Taj
توپ آغاج=Tup Aghaj
چناره=Chenareh
حسین آباد=Hoseynabad
دزج=Dezej
دلبران=Delbaran
دهگلان=Dehgolan
دیواندره=Divandarreh
زرینه=Zarrineh
سروآباد=Sarvabad
سریش آباد=Serishabad
سقز=Saqqez
سنته=Santeh
سنندج=Sanandaj
شویشه=Shuyesheh
صاحب=Saheb
قروه=Qorveh
کامیاران=Kamyaran
کانی دینار=Kani Dinar
کانی سور=Kani Sur
مریوان=Marivan
موچش=Muchesh
هزارکانیان=Hezarkanian
یاسوکند=Yasukand
""",
    21: """
اختیارآباد=Ekhtiarabad
ارزوییه=Arzuiyeh
امین شهر=Aminshahr
انار=Anar
اندوهجرد=Anduhjerd
باغین=Baghin
بافت=Baft
بردسیر=Bardsir
بروات=Baravat
بزنجان=Bezenjan
بلورد=Bolvard
بلوک=Boluk
بم=Bam
بهرمان=Bahreman
پاریز=Pariz
جبالبارز=Jebalbarez
جوپار=Jupar
جوزم=Jowzam
جیرفت=Jiroft
چاه دادخدا=Chah Dadkhoda
چترود=Chatrud
خاتون اباد=Khatunabad
خانوک=Khanuk
خواجو شهر=Khajushahr
خورسند=Khursand
درب بهشت=Darb-e Behesht
دشتکار=Dashtkar
دوساری=Dowsari
دهج=Dehaj
رابر=Rabor
راور=Ravar
راین=Rayen
رفسنجان=Rafsanjan
رودبار=Rudbar
ریحان=Reyhan
زرند=Zarand
زنگی آباد=Zangiabad
زهکلوت=Zahkalut
زیدآباد=Zeydabad
سیرجان=Sirjan
شهداد=Shahdad
شهربابک=Shahr-e Babak
صفاییه=Safaiyeh
عنبرآباد=Anbarabad
فاریاب=Faryab
فهرج=Fahraj
قلعه گنج=Qaleh Ganj
کاظم آباد=Kazemabad
کرمان=Kerman
کشکوییه=Kashkuiyeh
کوهبنان=Kuhbanan
کهنوج=Kahnuj
کیانشهر=Kianshahr
گلباف=Golbaf
گلزار=Golzar
گنبکی=Gonbaki
لاله زار=Lalehzar
ماهان=Mahan
محمدآباد=Mohammadabad
محی آباد=Mohiabad
مردهک=Mardehak
مس سرچشمه=Mes-e Sarcheshmeh
منوجان=Manujan
نجف شهر=Najafshahr
نرماشیر=Narmashir
نظام شهر=Nezamshahr
نگار=Negar
نودژ=Nowdezh
هجدک=Hojedk
هماشهر=Homashahr
هنزا=Hanza
یزدان شهر=Yazdanshahr
""",
    22: """
ازگله=Azgaleh
اسلام آبادغرب=Eslamabad-e Gharb
بانوره=Banevreh
باینگان=Bayangan
بیستون=Bisotun
پاوه=Paveh
تازه آباد=Tazehabad
جوانرود=Javanrud
حمیل=Hamil
رباط=Robat
روانسر=Ravansar
ریجاب=Rijab
سرپل ذهاب=Sarpol-e Zahab
سرمست=Sarmast
سطر=Satar
سنقر=Sonqor
سومار=Sumar
شاهو=Shahu
شروینه=Sharvineh
صحنه=Sahneh
قصرشیرین=Qasr-e Shirin
قلعه=Qaleh
کرمانشاه=Kermanshah
کرند=Kerend
کنگاور=Kangavar
کوزران=Kuzaran
گودین=Godin
گهواره=Gahvareh
گیلانغرب=Gilan-e Gharb
میان راهان=Mian Rahan
نودشه=Nowdeshah
نوسود=Nowsud
هرسین=Harsin
هلشی=Haleshi
""",
    23: """
باشت=Basht
بوستان=Bostan
پاتاوه=Pataveh
چرام=Charam
چیتاب=Chitab
دوگنبدان=Dogonbadan
دهدشت=Dehdasht
دیشموک=Dishmok
سرفاریاب=Sarfaryab
سوق=Suq
سی سخت=Sisakht
قلعه رییسی=Qaleh Raisi
گراب سفلی=Garab-e Sofla
لنده=Landeh
لیکک=Likak
مادوان=Madavan
مارگون=Margown
یاسوج=Yasuj
""",
    24: """
آزادشهر=Azadshahr
آق قلا=Aq Qala
انبارآلوم=Anbar Olum
اینچه برون=Incheh Borun
بندرترکمن=Bandar Torkaman
بندرگز=Bandar Gaz
تاتارعلیا=Tatar-e Olya
جلین=Jelin
خان ببین=Khan Bebin
دلند=Daland
دوزین=Duzin
رامیان=Ramian
سرخنکلاته=Sorkhankalateh
سنگدوین=Sangdevin
سیمین شهر=Siminshahr
صادق اباد=Sadeqabad
علی اباد=Aliabad-e Katul
فاضل آباد=Fazelabad
فراغی=Faraghi
قرق=Qoroq
کردکوی=Kordkuy
کلاله=Kalaleh
گالیکش=Galikash
گرگان=Gorgan
گلیداغ=Gelidagh
گمیش تپه=Gomish Tappeh
گنبدکاووس=Gonbad-e Kavus
مراوه=Maraveh
مزرعه=Mazraeh
مینودشت=Minudasht
نگین شهر=Naginshahr
نوده خاندوز=Nowdeh Khanduz
نوکنده=Nukandeh
""",
    25: """
آستارا=Astara
آستانه اشرفیه=Astaneh-ye Ashrafiyeh
احمدسرگوراب=Ahmad Sargurab
اسالم=Asalem
اطاقور=Otaqvar
املش=Amlash
بازار جمعه=Bazar Jomeh
بره سر=Barehsar
بندرانزلی=Bandar Anzali
پره سر=Parehsar
توتکابن=Tutkabon
جیرنده=Jirandeh
چابکسر=Chaboksar
چاف و چمخاله=Chaf va Chamkhaleh
چوبر=Chubar
حویق=Haviq
خشکبیجار=Khoshkebijar
خمام=Khomam
دیلمان=Deylaman
رانکوه=Rankuh
رحیم آباد=Rahimabad
رستم آباد=Rostamabad
رشت=Rasht
رضوانشهر=Rezvanshahr
رودبار=Rudbar
رودبنه=Rudboneh
رودسر=Rudsar
سنگر=Sangar
سیاهکل=Siahkal
شفت=Shaft
شلمان=Shelman
صومعه سرا=Sowmeh Sara
فومن=Fuman
کلاچای=Kelachay
کوچصفهان=Kuchesfahan
کومله=Kumeleh
کیاشهر=Kiashahr
گوراب زرمیخ=Gurab Zarmikh
لاهیجان=Lahijan
لشت نشاء=Lasht-e Nesha
لنگرود=Langarud
لوشان=Lowshan
لولمان=Luleman
لوندویل=Lavandevil
لیسار=Lisar
ماسال=Masal
ماسوله=Masuleh
ماکلوان=Makloan
مرجقل=Marjaqal
منجیل=Manjil
واجارگاه=Vajargah
هشتپر (تالش)=Hashtpar
""",
    26: """
ازنا=Azna
اشترینان=Oshtorinan
الشتر=Aleshtar
الیگودرز=Aligudarz
بروجرد=Borujerd
بیران شهر=Biranshahr
پلدختر=Poldokhtar
چالانچولان=Chalanchulan
چقابل=Chaqabol
چمن سلطان=Chaman Soltan
خرم آباد=Khorramabad
درب گنبد=Darb-e Gonbad
دورود=Dorud
زاغه=Zagheh
سپیددشت=Sepiddasht
سراب دوره=Sarab-e Dowreh
شاهپوراباد=Shahpurabad
شول آباد=Shulabad
فیروزآباد=Firuzabad
کوهدشت=Kuhdasht
کوهنانی=Kuhnani
گراب=Garab
معمولان=Mamulan
مومن آباد=Momenabad
نورآباد=Nurabad
ویسیان=Veysian
هفت چشمه=Haft Cheshmeh
""",
    27: """
آلاشت=Alasht
آمل=Amol
ارطه=Arateh
امامزاده عبدالله=Emamzadeh Abdollah
امیرکلا=Amirkola
ایزدشهر=Izadshahr
بابکان=Babakan
بابل=Babol
بابلسر=Babolsar
بلده=Baladeh
بهشهر=Behshahr
بهنمیر=Bahnamir
پایین هولار=Pain Hular
پل سفید=Pol-e Sefid
پول=Pul
تنکابن=Tonekabon
جویبار=Juybar
چالوس=Chalus
چمستان=Chamestan
خرم آباد=Khorramabad
خلیل شهر=Khalil Shahr
خوش رودپی=Khoshrudpey
دابودشت=Dabudasht
رامسر=Ramsar
رستمکلا=Rostamkola
رویان=Ruyan
رینه=Rineh
زرگرمحله=Zargar Mahalleh
زیرآب=Zirab
ساری=Sari
سرخرود=Sorkhrud
سلمان شهر=Salmanshahr
سورک=Surak
شیرگاه=Shirgah
شیرود=Shirud
طبقده=Tabaqdeh
عباس اباد=Abbasabad
فرح آباد=Farahabad
فریدونکنار=Fereydunkenar
فریم=Farim
قایم شهر=Qaem Shahr
کتالم وسادات شهر=Katalem va Sadat Shahr
کجور=Kojur
کلارآباد=Kelarabad
کلاردشت=Kelardasht
کوهی خیل=Kuhi Kheyl
کیاسر=Kiasar
کیاکلا=Kiakola
گتاب=Gatab
گزنک=Gaznak
گلوگاه=Galugah
محمودآباد=Mahmudabad
مرزن آباد=Marzanabad
مرزیکلا=Marzikola
نشتارود=Nashtarud
نکا=Neka
نور=Nur
نوشهر=Nowshahr
هادی شهر=Hadishahr
هچیرود=Hachirud
""",
    28: """
آستانه=Astaneh
آشتیان=Ashtian
آوه=Aveh
اراک=Arak
پرندک=Parandak
تفرش=Tafresh
تلخاب=Talkhab
توره=Tureh
جاورسیان=Javarsian
خشکرود=Khoshkrud
خمین=Khomeyn
خنجین=Khanjin
خنداب=Khondab
داودآباد=Davudabad
دلیجان=Delijan
رازقان=Razeqan
زاویه=Zaviyeh
ساروق=Saruq
ساوه=Saveh
شازند=Shazand
شهباز=Shahbaz
غرق آباد=Gharqabad
فرمهین=Farmahin
قورچی باشی=Qurchi Bashi
کارچان=Karchan
کمیجان=Komijan
مامونیه=Mamuniyeh
محلات=Mahallat
مهاجران=Mohajeran
میلاجرد=Milajerd
نراق=Naraq
نوبران=Nowbaran
نیمور=Nimvar
هندودر=Hendudar
""",
    29: """
ابوموسی=Abu Musa
بالاشهر=Balashahr
بستک=Bastak
بندرجاسک=Bandar Jask
بندرعباس=Bandar Abbas
بندرلنگه=Bandar Lengeh
بندزرک=Band Zarak
بیکاء=Bika
پارسیان=Parsian
پل=Pol
تازیان پایین=Tazian-e Pain
تخت=Takht
تیرور=Tiror
جناح=Jenah
چارک=Charak
حاجی اباد=Hajiabad
خمیر=Khamir
درگهان=Dargahan
دشتی=Dashti
دهبارز=Dehbarez
رویدر=Ruydar
زیارتعلی=Ziarat-e Ali
سردشت=Sardasht
سرگز=Sargaz
سندرک=Sanderk
سوزا=Suza
سیریک=Sirik
فارغان=Farghan
فین=Fin
قشم=Qeshm
قلعه قاضی=Qaleh Qazi
کنگ=Kong
کوشکنار=Kushk-e Nar
کوهستک=Kuhestak
کیش=Kish
گروک=Geruk
گوهران=Gowharan
لمزان=Lamazan
لیردف=Lirdaf
میناب=Minab
هرمز=Hormuz
هشتبندی=Hashtbandi
""",
    30: """
آجین=Ajin
ازندریان=Azandarian
اسدآباد=Asadabad
اسلام شهر آق گل=Eslamshahr-e Aq Gol
برزول=Barzul
بهار=Bahar
تویسرکان=Tuyserkan
جورقان=Juraqan
جوکار=Jowkar
دمق=Damaq
رزن=Razan
زنگنه=Zanganeh
سامن=Saman
سرکان=Sarkan
شیرین سو=Shirin Su
صالح آباد=Salehabad
فامنین=Famenin
فرسفج=Farsfaj
فیروزان=Firuzan
قروه درجزین=Qorveh-e Darjazin
قهاوند=Qahavand
کبودرآهنگ=Kabudarahang
کرفس=Karafs
گل تپه=Gol Tappeh
گیان=Giyan
لالجین=Lalejin
مریانج=Mariyanaj
ملایر=Malayer
مهاجران=Mohajeran
نهاوند=Nahavand
همدان=Hamadan
""",
    31: """
ابرکوه=Abarkuh
احمدآباد=Ahmadabad
اردکان=Ardakan
اشکذر=Ashkezar
بافق=Bafq
بفروییه=Bafruiyeh
بهاباد=Bahabad
تفت=Taft
حمیدیا=Hamidia
خضرآباد=Khezrabad
زارچ=Zarch
شاهدیه=Shahediyeh
عقدا=Aqda
مروست=Marvast
مهردشت=Mehrdasht
مهریز=Mehriz
میبد=Meybod
ندوشن=Nadushan
نیر=Nir
هرات=Herat
یزد=Yazd
""",
}


def _en_table() -> dict[tuple[int, str], str]:
    table: dict[tuple[int, str], str] = {}
    for province_id, block in EN.items():
        for line in block.strip().splitlines():
            fa, _, en = line.partition("=")
            if not en:
                raise SystemExit(f"bad EN line in province {province_id}: {line!r}")
            key = (province_id, fa.strip())
            if key in table and table[key] != en.strip():
                raise SystemExit(f"conflicting EN names for {key}")
            table[key] = en.strip()
    return table


def _read_package(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (package.json, ostan.json, shahr.json) from a .tgz or an unpacked folder."""

    def from_dir(folder: Path) -> tuple[Any, Any, Any]:
        if (folder / "package").is_dir() and not (folder / "shahr.json").exists():
            folder = folder / "package"
        return tuple(
            json.loads((folder / name).read_text(encoding="utf-8"))
            for name in ("package.json", "ostan.json", "shahr.json")
        )

    if path.is_dir():
        meta, ostan, shahr = from_dir(path)
    else:
        with tarfile.open(path, "r:gz") as tar:

            def member(name: str) -> Any:
                extracted = tar.extractfile(f"package/{name}")
                if extracted is None:
                    raise SystemExit(f"{path}: package/{name} missing")
                return json.loads(extracted.read().decode("utf-8"))

            meta, ostan, shahr = (
                member("package.json"),
                member("ostan.json"),
                member("shahr.json"),
            )
    return meta, ostan, shahr


def _same(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


def _loose(text: str) -> str:
    """Roughly what the lookup ignores (case, spaces, ZWNJ, hyphens): used to drop aliases
    that add nothing to the name or to an earlier alias."""
    return re.sub(r"[\s\u200c\-'.]+", "", text).casefold()


def build(path: Path) -> list[list[str]]:
    meta, ostan, shahr = _read_package(path)
    got = (meta.get("name"), meta.get("version"), meta.get("license"))
    if got != (PACKAGE_NAME, PACKAGE_VERSION, PACKAGE_LICENSE):
        raise SystemExit(f"unexpected package {got}; this script is written for {SOURCE_ID}")

    provinces = {int(p["id"]): str(p["name"]) for p in ostan}
    if set(provinces) != set(PROVINCES):
        raise SystemExit("province ids differ from PROVINCES")
    for pid, name in provinces.items():
        if not _same(name, PROVINCES[pid][0]):
            raise SystemExit(f"province {pid}: package says {name!r}, we say {PROVINCES[pid][0]!r}")

    en = _en_table()
    used_en: set[tuple[int, str]] = set()
    used_pop: set[tuple[int, str]] = set()
    used_alias: set[tuple[int, str]] = set()
    used_fix: set[int] = set()
    used_rename: set[tuple[int, str]] = set()
    centres_found: dict[int, int] = {}

    rows: list[list[str]] = []
    for city in shahr:
        cid, pid, src_name = int(city["id"]), int(city["ostan"]), str(city["name"]).strip()
        if EXCLUDE_IF_CONTAINS_DIGIT and any(ch.isdigit() for ch in src_name):
            continue  # municipal zones, not cities
        key = (pid, src_name)
        name_fa = src_name
        aliases: list[str] = []
        if key in RENAMES:
            used_rename.add(key)
            name_fa, extra = RENAMES[key]
            aliases.extend(extra)
        if cid in FIXES:
            fpid, fname, new_name, new_en, extra = FIXES[cid]
            if (fpid, fname) != key:
                raise SystemExit(f"FIXES[{cid}] expects {(fpid, fname)}, package has {key}")
            used_fix.add(cid)
            name_fa = new_name
            aliases.extend(extra)
        if key not in en:
            raise SystemExit(f"no English name for {key}")
        used_en.add(key)
        name_en = new_en if cid in FIXES else en[key]
        if key in ALIASES:
            used_alias.add(key)
            aliases.extend(ALIASES[key])
        is_centre = CENTRES.get(pid) == src_name and cid not in FIXES
        if is_centre:
            centres_found[pid] = centres_found.get(pid, 0) + 1
        population = ""
        source = SOURCE_ID
        if key in POPULATION_1395 and cid not in FIXES:
            used_pop.add(key)
            population = str(POPULATION_1395[key])
            source = f"{SOURCE_ID}+{CENSUS_ID}"
        elif is_centre:
            raise SystemExit(f"provincial centre {key} has no 1395 population")
        if is_centre:
            source = f"{SOURCE_ID}+{CENSUS_ID}"
        seen: set[str] = {_loose(name_fa), _loose(name_en)}
        clean_aliases = []
        for alias in aliases:
            if "|" in alias or "," in alias:
                raise SystemExit(f"alias {alias!r} of {key} holds a separator")
            if _loose(alias) not in seen:
                seen.add(_loose(alias))
                clean_aliases.append(alias)
        rows.append(
            [
                name_fa,
                name_en,
                PROVINCES[pid][0],
                PROVINCES[pid][1],
                population,
                "true" if is_centre else "false",
                "|".join(clean_aliases),
                source,
            ]
        )

    problems = []
    if set(centres_found) != set(CENTRES) or any(n != 1 for n in centres_found.values()):
        problems.append(f"centres found: {centres_found}")
    for label, table, used in (
        ("EN", set(en), used_en),
        ("POPULATION_1395", set(POPULATION_1395), used_pop),
        ("ALIASES", set(ALIASES), used_alias),
        ("RENAMES", set(RENAMES), used_rename),
    ):
        unused = table - used
        if unused:
            problems.append(f"{label} names not in the package: {sorted(unused)}")
    if set(FIXES) - used_fix:
        problems.append(f"FIXES ids not in the package: {sorted(set(FIXES) - used_fix)}")
    pairs = [(r[0], r[2]) for r in rows]
    if len(pairs) != len(set(pairs)):
        problems.append("duplicate (name_fa, province_fa) pairs")
    if problems:
        raise SystemExit("\n".join(problems))

    # By province, then in the package's own (Persian alphabetical) order.
    rows.sort(key=lambda r: list(PROVINCES.values()).index((r[2], r[3])))
    return rows


def render(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="iran-cities-json-2.0.0.tgz or its folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with --out, do not write")
    args = parser.parse_args(argv)

    text = render(build(args.package))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({text.count(chr(10)) - 1} cities)")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} cities)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
