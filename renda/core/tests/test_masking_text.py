"""`mask_text`: the anonymiser of the echo wall, rule by rule, with texts that must stay as
they are."""

from django.test import SimpleTestCase

from renda.core.masking import mask_text

# (what a citizen or a unit wrote, what the public may read)
MASKED = [
    # Mobile numbers, however they are written.
    ("我的电话13904510001，有事联系", "我的电话***********，有事联系"),
    ("手机：139 0451 0001", "手机：*** **** ****"),
    ("手机139-0451-0001", "手机***-****-****"),
    ("请回电+86 13904510001", "请回电+** ***********"),
    ("联系人手机13812345678或15945678901", "联系人手机***********或***********"),
    # Landlines with an area code, and bare local numbers.
    ("家里座机0451-86801234", "家里座机****-********"),
    ("电话（0451）86801234", "电话（****）********"),
    ("电话(0451)86801234转8021", "电话(****)********转8021"),
    ("打过物业电话86805678好几次", "打过物业电话********好几次"),
    # ID numbers, bank cards, accounts.
    ("身份证号230108198001011234", "身份证号******************"),
    ("身份证23010819800101123X，补办", "身份证******************，补办"),
    ("身份证号码23010819800101123x", "身份证号码******************"),
    ("补贴打到卡号6222021234567890123里", "补贴打到卡号*******************里"),
    ("银行卡 6222 0212 3456 7890", "银行卡 **** **** **** ****"),
    ("社保卡号 6217-0000-1234-5678-901", "社保卡号 ****-****-****-****-***"),
    ("QQ号 123456789 加我", "QQ号 ********* 加我"),
    ("微信号：zhangsan_1980", "微信号：*************"),
    ("邮箱 zhang.san1980@163.com 也行", "邮箱 ***@163.com 也行"),
    ("发到 wang-li@qq.com", "发到 ***@qq.com"),
    # Licence plates.
    ("车牌黑A12345的车天天堵在消防通道", "车牌黑A*****的车天天堵在消防通道"),
    ("黑A·D12345 新能源车占充电位", "黑A·****** 新能源车占充电位"),
    ("京N8P8F8长期停放", "京N*****长期停放"),
    ("一辆黑ab1234x", "一辆黑a******"),
    # House numbers: the road or the community stays.
    ("兴建路8号3单元502室", "兴建路*号*单元*室"),
    ("兴建路 8 号小区路灯坏了一个月。", "兴建路 * 号小区路灯坏了一个月。"),
    ("我住在兴建路12号院3号楼", "我住在兴建路*号院*号楼"),
    ("友协小区5栋2单元1201", "友协小区*栋*单元*"),
    ("新城小区5幢3单元", "新城小区*幢*单元"),
    ("阳光家园三单元401室", "阳光家园*单元*室"),
    ("万宝街道3-502室", "万宝街道*-*室"),
    ("家住18楼，电梯常坏", "家住*楼，电梯常坏"),
    ("3号楼2单元401", "*号楼*单元*"),
    ("十二号楼后面", "*号楼后面"),
    # The citizen's own name and forms of address.
    ("我叫张三，住兴建路", "我叫张*，住兴建路"),
    ("张三先生反映", "张*先生反映"),
    ("李女士和王先生多次反映", "某女士和某先生多次反映"),
    ("隔壁刘大爷腿脚不好", "隔壁某大爷腿脚不好"),
    ("楼下王阿姨家漏水", "楼下某阿姨家漏水"),
    ("欧阳女士表示满意", "某女士表示满意"),
    ("赵师傅来修过一次", "某师傅来修过一次"),
    ("孙奶奶今年八十了", "某奶奶今年八十了"),
]

UNCHANGED = [
    "2026年3月",
    "2026年3月15日上午",
    "3月5号以前",
    "3月15号到现在",
    "2026-03-15",
    "500元",
    "1.5万元",
    "补偿款1200000元",
    "￥12345678",
    "3个月",
    "已经坏了两年多",
    "楼龄快三十年了，六层没有电梯",
    "室温只有14到16度",
    "复测室温19.5度",
    "音量控制在60分贝以内",
    "拿出80个车位按月出租",
    "拨打12345热线",
    "打110报警",
    "地铁2号线出口",
    "按1号文件执行",
    "到3号窗口办理",
    "开放时间8:30-16:30",
    "我和先生都是退休职工",
    "门卫大爷很负责",
    "对方女士不同意",
    "保安师傅说不归他管",
    "一位女士",
    "老旧小区加装电梯",
    "",
]


class MaskTextTest(SimpleTestCase):
    def test_it_masks_each_rule(self):
        for text, expected in MASKED:
            with self.subTest(text=text):
                self.assertEqual(mask_text(text, names=["张三"]), expected)

    def test_it_leaves_dates_amounts_counts_and_public_numbers(self):
        for text in UNCHANGED:
            with self.subTest(text=text):
                self.assertEqual(mask_text(text, names=["张三"]), text)

    def test_it_is_idempotent(self):
        for text, expected in MASKED:
            with self.subTest(text=text):
                self.assertEqual(mask_text(expected, names=["张三"]), expected)

    def test_it_masks_every_known_name_the_longest_first(self):
        self.assertEqual(mask_text("欧阳小明和欧阳小", names=["欧阳小明", "欧阳小"]),
                         "欧阳**和欧**")
        self.assertEqual(mask_text("王建国说", names=["", " ", "王"]), "王建国说")

    def test_a_whole_message(self):
        text = ("我是兴建路12号院3号楼2单元501室的住户张三，电话13904510001。楼下车库门口天天停着"
                "黑A12345，物业刘师傅说管不了。2026年3月以来已经反映3次了。")
        self.assertEqual(
            mask_text(text, names=["张三"]),
            "我是兴建路*号院*号楼*单元*室的住户张*，电话***********。楼下车库门口天天停着"
            "黑A*****，物业某师傅说管不了。2026年3月以来已经反映3次了。")

    def test_none_is_empty(self):
        self.assertEqual(mask_text(None), "")
