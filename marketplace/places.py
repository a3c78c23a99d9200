"""Towns a person can search near without a map or JavaScript: name and centre point.

A short list covers the demo and the programmes running now; a postcode lookup can
replace it later without changing the search interface (it takes lat/lon).
"""

TOWNS = {
    "barnsley": ("Barnsley", 53.5526, -1.4797),
    "birmingham": ("Birmingham", 52.4862, -1.8904),
    "bradford": ("Bradford", 53.7960, -1.7594),
    "bristol": ("Bristol", 51.4545, -2.5879),
    "cardiff": ("Cardiff", 51.4816, -3.1791),
    "coventry": ("Coventry", 52.4068, -1.5197),
    "doncaster": ("Doncaster", 53.5228, -1.1285),
    "glasgow": ("Glasgow", 55.8642, -4.2518),
    "halifax": ("Halifax", 53.7248, -1.8658),
    "huddersfield": ("Huddersfield", 53.6458, -1.7850),
    "hull": ("Hull", 53.7676, -0.3274),
    "leeds": ("Leeds", 53.7997, -1.5492),
    "leicester": ("Leicester", 52.6369, -1.1398),
    "liverpool": ("Liverpool", 53.4084, -2.9916),
    "london": ("London", 51.5072, -0.1276),
    "manchester": ("Manchester", 53.4808, -2.2426),
    "newcastle": ("Newcastle upon Tyne", 54.9783, -1.6178),
    "nottingham": ("Nottingham", 52.9548, -1.1581),
    "sheffield": ("Sheffield", 53.3811, -1.4701),
    "sunderland": ("Sunderland", 54.9069, -1.3838),
    "wakefield": ("Wakefield", 53.6833, -1.4977),
    "york": ("York", 53.9600, -1.0873),
}


def town_choices() -> list[tuple[str, str]]:
    return [(key, name) for key, (name, _, _) in sorted(TOWNS.items(), key=lambda kv: kv[1][0])]
