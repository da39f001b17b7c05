"""Availability written in Chinese is read as the other languages are: weekdays (星期二, 周二,
礼拜二), lists and ranges of them (周二和周四, 周一至周五, 周一、三、五), 工作日, dates (3月12日,
3月12日至14日), hours (9点到12点, 上午9点到11点, 下午2点至4点, 9:00至12:00), a day taken out
(除周三外, 周三除外) and a zone as Chinese names one (北京时间). Chinese has no spaces: a
character that may be part of another word (周末, 一周, 周到, 第2点, 2至3人) is not read as a day
or an hour; a reading is a suggestion, and none is better than a wrong one."""

from datetime import date

import pytest

from tests.availability.test_reading_languages import WEEKDAYS, one, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每周二和周四 08:00–11:00", one("0101000", "08:00-11:00")),  # the form's hint
        ("每周二和周四上午9点到11点", one("0101000", "09:00-11:00")),
        (
            "周一至周五 9:00-12:00（北京时间）",
            one(WEEKDAYS, "09:00-12:00", "Asia/Shanghai"),
        ),
        ("星期一到星期五，上午9点至12点", one(WEEKDAYS, "09:00-12:00")),
        ("周一~周五 下午2点至4点", one(WEEKDAYS, "14:00-16:00")),
        ("周一—周五 14:00—16:00", one(WEEKDAYS, "14:00-16:00")),
        ("工作日 9:30–11:00", one(WEEKDAYS, "09:30-11:00")),
        ("礼拜三 9时至12时", one("0010000", "09:00-12:00")),
        ("周一、三、五 上午9点半到11点", one("1010100", "09:30-11:00")),
        ("每周二下午2点到4点，北京时间", one("0100000", "14:00-16:00", "Asia/Shanghai")),
        ("星期二 ９：３０－１１：００", one("0100000", "09:30-11:00")),  # full-width
        ("周二 晚上8点到10点", one("0100000", "20:00-22:00")),
        ("周四上午11点到下午1点", one("0001000", "11:00-13:00")),
        ("周一至周五上午9点到12点，周三除外", one("1101100", "09:00-12:00")),
        ("除周三外，周一至周五 9:00-12:00", one("1101100", "09:00-12:00")),
        ("3月12日（星期五）上午9点到11点", one(date(2027, 3, 12), "09:00-11:00")),
        ("2027年3月12日 14:00-16:00", one(date(2027, 3, 12), "14:00-16:00")),
        (
            "3月12日至14日 9:00至12:00",
            [(date(2027, 3, d), "09:00-12:00", "Europe/Zurich") for d in (12, 13, 14)],
        ),
        ("周二 九点到十一点", one("0100000", "09:00-11:00")),
        ("周一 十三点至十五点", one("1000000", "13:00-15:00")),  # review-130: 13-19 were missing
        ("周五 十四点到十六点半", one("0000100", "14:00-16:30")),
        ("周二 上午9点到11点 东京时间", one("0100000", "09:00-11:00", "Asia/Tokyo")),
    ],
)
def test_chinese(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "周末 9:00-12:00",  # the weekend is not a weekday
        "一周两次，9点到12点",  # twice a week
        "两周内都可以，周到安排 9:00-12:00",
        "周一鸣负责，9:00-12:00",  # 周 is a surname: a person, not Monday
        "下周一上午9点到11点",  # one Monday, not every one
        # Right after days, where bare numbers would be hours: each fails without its guard
        # (words between the day and the numbers, as in "周二可以安排2至3人", stop any reading).
        "周二 2至3人",  # people, not hours
        "周二 2-3人",  # the same with a hyphen, read by the other languages' pattern
        "周二 2到3小时",  # hours long, not from 2 to 3
        "周二 第2点到3点",  # the second and third points
        "3个工作日内答复 9:00-12:00",  # within three working days
        "3月12日（星期二）9:00-12:00",  # 12 March 2027 is a Friday: which is meant?
        "3月1日至3月30日 9点到12点",  # a month is not a week's rows
        "3月12 9点到11点",  # "3月12" without 日: too loose to be a date
    ],
)
def test_what_is_not_read_in_chinese(text):
    assert read(text) == []


def test_other_texts_are_read_as_before_beside_chinese():
    assert read("Tuesday 9-12 北京时间") == one("0100000", "09:00-12:00", "Asia/Shanghai")
    assert read("周二 9-12") == one("0100000", "09:00-12:00")
    assert read("日内瓦, 周二 9:00-12:00", "Asia/Tokyo") == one("0100000", "09:00-12:00")
    # A CLDR city alone may be part of another word: only before 时间 is it a zone.
    assert read("利马时间，周二 9:00-12:00") == one("0100000", "09:00-12:00", "America/Lima")
    assert read("周二 9:00-12:00 利马") == one("0100000", "09:00-12:00")
