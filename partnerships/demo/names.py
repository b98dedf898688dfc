"""Made-up names by community (first names, surnames, languages, identity) and nicknames."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """Names and language for one community. All combinations are fictional."""

    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    languages: tuple[str, ...]
    identity: tuple[str, ...]
    interpreter: tuple[str, ...] = ()
    reo_maori: float = 0.0  # share of whānau preferring te reo Māori


def _n(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


GROUPS = {
    "pakeha": Group(
        weight=40,
        female=_n(
            "Olivia, Charlotte, Isla, Amelia, Ruby, Harper, Mia, Ella, Sophie, Grace, Lucy, "
            "Georgia, Zoe, Emily, Isabella, Hazel, Willow, Matilda, Elizabeth, Poppy, Sarah, "
            "Rachel, Kate, Anna, Claire, Megan, Jessica"
        ),
        male=_n(
            "Oliver, Jack, Noah, Leo, George, Hunter, Charlie, William, Lucas, Thomas, Max, "
            "Samuel, Benjamin, Alexander, Jacob, Finn, Harry, James, Daniel, Michael, Andrew, "
            "Mark, Craig, Luke"
        ),
        surnames=_n(
            "Smith, Wilson, Brown, Taylor, Walker, Thompson, White, Anderson, Campbell, Robertson, "
            "Stewart, Harris, Clarke, Bennett, Mitchell, Hughes, Fraser, McKenzie, Ward, Morrison, "
            "Sutherland, Baxter, Fletcher, Gallagher, O'Connell, Duncan, Hamilton, Reid, Cooper, "
            "Parker"
        ),
        languages=(
            "English",
            "English",
            "English; learning te reo Māori at school",
            "English, some French",
        ),
        identity=(
            "Family farm in the Waikato; happiest outdoors",
            "Scottish and Irish roots; Nana teaches baking on Sundays",
            "Spends holidays tramping with the family",
            "Fifth-generation Cantabrian; loves local history",
        ),
    ),
    "maori": Group(
        weight=25,
        female=_n(
            "Aroha, Anahera, Hine, Kahurangi, Mere, Ngaio, Huia, Tui, Manaia, Maia, Moana, Aria, "
            "Ataahua, Kiri, Marama, Hana, Awhina, Ngaire, Kaia, Hinewai, Mihi, Rangimarie, Atawhai"
        ),
        male=_n(
            "Wiremu, Tamati, Rāwiri, Nikau, Tane, Manaaki, Hemi, Mikaere, Tai, Kauri, Ihaia, "
            "Matiu, Te Ariki, Ari, Kahu, Rangi, Hōhepa, Tama, Paora, Nīkora, Tipene, Whetu, Rēweti"
        ),
        surnames=_n(
            "Parata, Ngata, Herewini, Tipene, Hēnare, Poutama, Te Whata, Rangihuna, Tamihana, "
            "Paewai, Karaka, Waaka, Ruatapu, Horomona, Te Kani, Manuera, Hohaia, Aperahama, "
            "Rāpana, Marino"
        ),
        languages=("English, te reo Māori", "Te reo Māori, English", "English, te reo Māori"),
        identity=(
            "Proud of their marae and whakapapa; loves kapa haka",
            "Goes back to the marae every summer with whānau",
            "Learning their pepeha and shares it with pride",
            "Kōhanga reo graduate; strong in te reo at home",
        ),
        reo_maori=0.35,
    ),
    "samoan": Group(
        weight=7,
        female=_n("Losa, Malia, Sina, Leilani, Talia, Alofa, Lupe, Vailea, Faith, Fetu"),
        male=_n("Ioane, Iosefa, Tavita, Falani, Sefo, Paulo, Lui, Manu, Elijah, Pita"),
        surnames=_n(
            "Leota, Faleolo, Aumua, Seiuli, Mulitalo, Tanielu, Fonoti, Lemalu, Fuimaono, Asiata, "
            "Pelesasa"
        ),
        languages=("English, Samoan", "Samoan, English"),
        identity=(
            "Part of a big Samoan church family; sings in the youth choir",
            "Proud to be Samoan; performs siva at Polyfest",
        ),
        interpreter=("Samoan",),
    ),
    "tongan": Group(
        weight=4,
        female=_n("Mele, Salote, Losaline, Seini, Lesieli, Kalolaine, Vika"),
        male=_n("Sione, Tevita, Siosaia, Mosese, Viliami, Sitani, Semisi, Taniela"),
        surnames=_n("Taufa, Vake, Havili, Latu, Moala, Mahe, Naufahu, Pulu, Vaipulu, Kioa"),
        languages=("Tongan, English", "English, Tongan"),
        identity=(
            "Tongan; plays in the family brass band at church",
            "Loves the Tongan Language Week celebrations at school",
        ),
        interpreter=("Tongan",),
    ),
    "cook": Group(
        weight=2,
        female=_n("Tiare, Moeroa, Teina, Tepaeru, Mereana"),
        male=_n("Teariki, Tangaroa, Ngametua, Tiaki, Tuaine"),
        surnames=_n("Marsters, Tupa, Matapo, Tuara, Piri"),
        languages=("English, Cook Islands Māori",),
        identity=("Cook Islands Māori; drums in the cultural group",),
    ),
    "chinese": Group(
        weight=8,
        female=_n("Xinyi, Mei, Jia, Wen, Yan, Shu, Amy, Chloe"),
        male=_n("Jiahao, Haoyu, Wei, Jun, Hao, Ming, Kevin, Eric"),
        surnames=_n("Chen, Li, Wang, Zhang, Liu, Huang, Zhou, Wu, Lin, Xu, Yang, Wong"),
        languages=("Mandarin, English", "Cantonese, English", "English, some Mandarin"),
        identity=(
            "Family came from Guangzhou; celebrates Lunar New Year with grandparents",
            "Goes to Chinese school on Saturdays",
        ),
        interpreter=("Mandarin", "Mandarin", "Cantonese"),
    ),
    "indian": Group(
        weight=8,
        female=_n("Priyanka, Ananya, Diya, Aditi, Meera, Kavya, Riya, Simran, Navneet, Pooja"),
        male=_n("Arjun, Rohan, Aarav, Vihaan, Karan, Rahul, Sanjay, Gurpreet, Harjit, Dev, Nikhil"),
        surnames=_n("Patel, Singh, Sharma, Kumar, Reddy, Nair, Gill, Sandhu, Desai, Chand, Prasad"),
        languages=(
            "Hindi, English",
            "Punjabi, English",
            "Gujarati, English",
            "Fiji Hindi, English",
        ),
        identity=(
            "Family from Gujarat; loves helping with Diwali at school",
            "Fiji Indian family; big family lunches on Sundays",
        ),
        interpreter=("Hindi", "Punjabi"),
    ),
    "korean": Group(
        weight=3,
        female=_n("Seo-yeon, Ji-woo, Ha-eun, Min-seo, Yuna"),
        male=_n("Min-jun, Seo-jun, Ji-ho, Do-yun, Hyun-woo"),
        surnames=_n("Kim, Lee, Park, Choi, Jung, Kang"),
        languages=("Korean, English",),
        identity=("Born in Seoul; goes to Korean language school on Saturdays",),
        interpreter=("Korean",),
    ),
    "filipino": Group(
        weight=3,
        female=_n("Maria, Angelica, Kristine, Jasmine, Althea"),
        male=_n("Jose, Miguel, Paolo, Carlo, Gabriel"),
        surnames=_n("Santos, Reyes, Cruz, Bautista, Mendoza, Villanueva, Ramos"),
        languages=("Tagalog, English", "English, some Tagalog"),
        identity=("Filipino; big family gatherings every Sunday",),
        interpreter=("Tagalog",),
    ),
}
GROUP_NAMES = list(GROUPS)
GROUP_WEIGHTS = [g.weight for g in GROUPS.values()]

NICKNAMES = {
    "Anahera": "Ana",
    "Wiremu": "Wiri",
    "Elizabeth": "Lizzie",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Charlotte": "Charlie",
    "Isabella": "Bella",
    "Matiu": "Matt",
    "Kahurangi": "Kahu",
    "Xinyi": "Cindy",
    "Jiahao": "Jason",
    "Haoyu": "Henry",
    "Min-jun": "Daniel",
    "Seo-yeon": "Sophie",
    "Siosaia": "Saia",
    "Priyanka": "Priya",
    "Losaline": "Lose",
    "Rangimarie": "Rangi",
    "Ataahua": "Ata",
    "Kalolaine": "Carol",
    "Hōhepa": "Joe",
    "Iosefa": "Joe",
    "Tavita": "David",
}
