"""Excel (.xlsx) rosters of deputies and stations: import, export and the blank template.

The first sheet of a workbook holds the roster: row 1 the column headers (any order, names as
in `DEPUTY_COLUMNS` / `STATION_COLUMNS`), one record per row after it. Headers are a file format
shared with the offices' own spreadsheets, so they are fixed Chinese strings, not translated.

Deputy roster (one term of one congress):
    姓名*  性别* (男/女)  民族  出生年份 (1975)  政治面貌  工作单位及职务  手机号码 (1[3-9] + 9 digits)
    身份证号码 (18 characters, GB 11643 check digit)  选区 (name or number, of the term)
    联络站编码 (of the congress; several separated by 、 or ,)  代表小组 (names, of the congress)
    手机号码 and 身份证号码: at least one of the two, so that a re-import finds the same person.
Station roster (one congress):
    编码*  名称*  类型* (代表联络站 …)  所在区划代码* (inside the congress's area)  地址
    纬度 经度 (decimal degrees, both or neither)  服务热线  开放时间  上级编码 (a station of the congress)

Every row is validated before anything is written, and one bad row stops the whole import: all
errors come back as (row, column, message). A re-import updates: a deputy is matched by ID number,
else by name and mobile; a station by its code. Blank cells never clear what is stored.
"""

from django.utils.translation import gettext_lazy as _

from renda.directory.roster.common import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    Column,
    ImportResult,
    RosterFileError,
    RowError,
    id_number_problem,
    write_workbook,
)
from renda.directory.roster.deputies import (
    DEPUTY_COLUMNS,
    roster_export_deputies,
    roster_import_deputies,
)
from renda.directory.roster.stations import (
    STATION_COLUMNS,
    roster_export_stations,
    roster_import_stations,
)

__all__ = [
    "DEPUTY_COLUMNS", "MAX_ROWS", "MAX_UPLOAD_BYTES", "STATION_COLUMNS", "Column", "ImportResult",
    "RosterFileError", "RowError", "id_number_problem", "roster_export_deputies",
    "roster_export_stations", "roster_import_deputies", "roster_import_stations",
    "roster_template",
]


def roster_template(*, kind: str) -> bytes:
    """A blank roster with its headers and a sheet explaining each column."""
    if kind == "deputies":
        return write_workbook(str(_("代表名册")), DEPUTY_COLUMNS, [])
    return write_workbook(str(_("联络站名册")), STATION_COLUMNS, [])


