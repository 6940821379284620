/**
 * Built-in words and short phrases to fingerspell, per spoken language (BCP-47 code as in the lexicon's
 * `spoken_language`): first names, cities and countries, numbers written out, everyday words. Written for this
 * project. Words whose letters have no clip in a sign language are left out by the builder, so lists may use
 * letters some alphabets lack. A space or hyphen marks a word gap inside a phrase; apostrophes are not spelled.
 */
export const WORDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  en: [
    'Anna', 'David', 'Emma', 'James', 'Lucy', 'Mark', 'Sarah', 'Tom', 'London', 'Boston', 'Chicago', 'Dallas',
    'Denver', 'Paris', 'Texas', 'New York', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
    'ten', 'hello', 'thanks', 'water', 'coffee', 'pizza', 'music', 'email', 'taxi', 'bus', 'zoo', 'jazz', 'quiz',
    'OK', 'USA', 'Good luck',
  ],
  fr: [
    'Marie', 'Pierre', 'Louis', 'Julie', 'Paul', 'Sophie', 'Lucas', 'Claire', 'Paris', 'Lyon', 'Nice', 'Lille',
    'Nantes', 'Bordeaux', 'Marseille', 'Toulouse', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit',
    'neuf', 'dix', 'bonjour', 'merci', 'café', 'pain', 'eau', 'école', 'ami', 'taxi', 'zoo', 'jazz', 'Bon appétit',
  ],
  de: [
    'Anna', 'Lena', 'Hans', 'Jonas', 'Lukas', 'Marie', 'Paul', 'Sophie', 'Jürgen', 'Berlin', 'Hamburg', 'Köln',
    'München', 'Bremen', 'Dresden', 'Leipzig', 'Zürich', 'Wien', 'Bern', 'eins', 'zwei', 'drei', 'vier', 'fünf',
    'sechs', 'sieben', 'acht', 'neun', 'zehn', 'hallo', 'danke', 'Wasser', 'Straße', 'Schule', 'Schiff', 'Käse',
    'Brötchen', 'Taxi', 'Zoo', 'Guten Tag',
  ],
  cs: [
    'Jana', 'Petr', 'Tomáš', 'Lucie', 'Jiří', 'Eva', 'Martin', 'Zuzana', 'Praha', 'Brno', 'Ostrava', 'Plzeň',
    'Olomouc', 'Liberec', 'Chrudim', 'jedna', 'dva', 'tři', 'čtyři', 'pět', 'šest', 'sedm', 'osm', 'devět', 'deset',
    'ahoj', 'děkuji', 'voda', 'chléb', 'škola', 'káva', 'taxi', 'Dobrý den',
  ],
  el: [
    'Μαρία', 'Γιώργος', 'Ελένη', 'Νίκος', 'Άννα', 'Κώστας', 'Σοφία', 'Δημήτρης', 'Αθήνα', 'Πάτρα', 'Βόλος',
    'Ρόδος', 'Κρήτη', 'Λάρισα', 'Χανιά', 'ένα', 'δύο', 'τρία', 'τέσσερα', 'πέντε', 'έξι', 'επτά', 'οκτώ', 'εννέα',
    'δέκα', 'γεια', 'ευχαριστώ', 'νερό', 'ψωμί', 'σχολείο', 'καφές', 'ταξί', 'Καλή μέρα',
  ],
  es: [
    'María', 'José', 'Lucía', 'Carlos', 'Elena', 'Pablo', 'Sofía', 'Javier', 'Madrid', 'Sevilla', 'Valencia',
    'Bilbao', 'Málaga', 'Toledo', 'México', 'Chile', 'Perú', 'Buenos Aires', 'uno', 'dos', 'tres', 'cuatro', 'cinco',
    'seis', 'siete', 'ocho', 'nueve', 'diez', 'hola', 'gracias', 'agua', 'perro', 'calle', 'niño', 'taxi', 'Buenos días',
  ],
  et: [
    'Mari', 'Jaan', 'Kadri', 'Toomas', 'Liis', 'Peeter', 'Tiina', 'Mart', 'Tallinn', 'Tartu', 'Pärnu', 'Narva',
    'Viljandi', 'Haapsalu', 'Võru', 'üks', 'kaks', 'kolm', 'neli', 'viis', 'kuus', 'seitse', 'kaheksa', 'üheksa',
    'kümme', 'tere', 'aitäh', 'vesi', 'leib', 'kool', 'kohv', 'takso', 'Head aega',
  ],
  hr: [
    'Ana', 'Ivan', 'Marija', 'Luka', 'Petra', 'Marko', 'Nikola', 'Maja', 'Zagreb', 'Split', 'Rijeka', 'Osijek',
    'Zadar', 'Dubrovnik', 'Pula', 'Ljubljana', 'jedan', 'dva', 'tri', 'četiri', 'pet', 'šest', 'sedam', 'osam',
    'devet', 'deset', 'bok', 'hvala', 'voda', 'kruh', 'škola', 'kuća', 'džem', 'noć', 'Dobar dan',
  ],
  it: [
    'Giulia', 'Marco', 'Luca', 'Sofia', 'Anna', 'Matteo', 'Chiara', 'Paolo', 'Roma', 'Milano', 'Napoli', 'Torino',
    'Firenze', 'Venezia', 'Bologna', 'Palermo', 'uno', 'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto',
    'nove', 'dieci', 'ciao', 'grazie', 'acqua', 'pizza', 'caffè', 'mamma', 'nonno', 'gatto', 'bello', 'Buona sera',
  ],
  lt: [
    'Jonas', 'Ona', 'Petras', 'Rūta', 'Tomas', 'Eglė', 'Mantas', 'Aistė', 'Vilnius', 'Kaunas', 'Klaipėda',
    'Šiauliai', 'Panevėžys', 'Alytus', 'Palanga', 'vienas', 'du', 'trys', 'keturi', 'penki', 'šeši', 'septyni',
    'aštuoni', 'devyni', 'dešimt', 'labas', 'ačiū', 'vanduo', 'duona', 'mokykla', 'kava', 'taksi', 'Laba diena',
  ],
  pt: [
    'Ana', 'João', 'Maria', 'Pedro', 'Beatriz', 'Lucas', 'Sofia', 'Rafael', 'Lisboa', 'Porto', 'Braga', 'Coimbra',
    'Faro', 'Brasil', 'Recife', 'Salvador', 'São Paulo', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete',
    'oito', 'nove', 'dez', 'olá', 'obrigado', 'água', 'pão', 'escola', 'café', 'coração', 'praça', 'táxi', 'Bom dia',
  ],
  sk: [
    'Ján', 'Mária', 'Peter', 'Zuzana', 'Martin', 'Katarína', 'Ľubo', 'Eva', 'Bratislava', 'Košice', 'Prešov',
    'Žilina', 'Nitra', 'Trnava', 'Poprad', 'jeden', 'dva', 'tri', 'štyri', 'päť', 'šesť', 'sedem', 'osem', 'deväť',
    'desať', 'ahoj', 'ďakujem', 'voda', 'chlieb', 'škola', 'káva', 'kôň', 'taxík', 'Dobrý deň',
  ],
  sv: [
    'Anna', 'Erik', 'Maja', 'Lars', 'Karin', 'Johan', 'Elsa', 'Oskar', 'Stockholm', 'Göteborg', 'Malmö', 'Uppsala',
    'Lund', 'Kiruna', 'Umeå', 'Åre', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio', 'tio', 'hej',
    'tack', 'vatten', 'bröd', 'skola', 'kaffe', 'taxi', 'God natt',
  ],
  tr: [
    'Ayşe', 'Mehmet', 'Fatma', 'Ali', 'Zeynep', 'Mustafa', 'Elif', 'Emre', 'İstanbul', 'Ankara', 'İzmir', 'Bursa',
    'Antalya', 'Konya', 'Trabzon', 'Muğla', 'bir', 'iki', 'üç', 'dört', 'beş', 'altı', 'yedi', 'sekiz', 'dokuz',
    'on', 'merhaba', 'teşekkürler', 'su', 'ekmek', 'okul', 'kahve', 'çay', 'taksi', 'İyi günler',
  ],
  uk: [
    'Олена', 'Іван', 'Марія', 'Андрій', 'Оксана', 'Тарас', 'Наталія', 'Юрій', 'Київ', 'Львів', 'Одеса', 'Харків',
    'Дніпро', 'Полтава', 'Ужгород', 'Чернігів', 'один', 'два', 'три', 'чотири', "п'ять", 'шість', 'сім', 'вісім',
    "дев'ять", 'десять', 'привіт', 'дякую', 'вода', 'хліб', 'школа', 'кава', 'їжа', 'таксі', 'Добрий день',
  ],
  ar: [
    'محمد', 'أحمد', 'فاطمة', 'علي', 'مريم', 'يوسف', 'ليلى', 'خالد', 'سارة', 'عمر', 'القاهرة', 'بغداد', 'دبي',
    'عمان', 'بيروت', 'دمشق', 'تونس', 'الرباط', 'واحد', 'اثنان', 'ثلاثة', 'أربعة', 'خمسة', 'ستة', 'سبعة', 'ثمانية',
    'تسعة', 'عشرة', 'مرحبا', 'شكرا', 'ماء', 'خبز', 'مدرسة', 'قهوة', 'بيت', 'كتاب', 'صباح الخير',
  ],
});

/**
 * Letters a sign language's lexicon may lack, spelled with another letter instead (per spoken language), as
 * signers commonly do: Arabic tāʾ marbūṭa (ة) is fingerspelled as hāʾ (ه); Greek final sigma (ς) is sigma.
 */
export const LETTER_FALLBACKS: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({
  ar: { 'ة': 'ه' },
  el: { 'ς': 'σ' },
});
