#!/usr/bin/env bash
# Generates the demo day's media into media/ (nothing binary is committed):
# Vietnamese speech with espeak-ng, jingles and filler music from ffmpeg's generators.
# Usage: scripts/make-demo-media.sh [MEDIA_DIR]   (default: media/ beside this script's repo)
# Idempotent: existing files are kept (delete media/.demo-stamp to regenerate).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/media}
stamp="$out/.demo-stamp"
version=3
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then exit 0; fi

mkdir -p "$out"/{jingles,announcements,titles,fill,"news/2011-11-26","features"}
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
speak() {  # speak FILE TEXT: Vietnamese speech, 48 kHz stereo MP3 with a little air around it
  local tmp; tmp=$(mktemp --suffix=.wav)
  espeak-ng -v vi -s 150 -w "$tmp" "$2"
  ff -i "$tmp" -af "adelay=300|300,apad=pad_dur=0.5" -ar 48000 -ac 2 -c:a libmp3lame -b:a 128k "$1"
  rm -f "$tmp"
}
# A jingle: a short major chord with a bell-like decay.
jingle() {  # jingle FILE ROOT_HZ SECONDS FADE_START
  local f=$2 d=$3 st=$4
  ff -f lavfi -i "aevalsrc=0.25*(sin(2*PI*$f*t)+sin(2*PI*$f*1.25*t)+sin(2*PI*$f*1.5*t))*exp(-1.2*t):s=48000:d=$d" \
     -af "afade=t=in:d=0.02,afade=t=out:st=$st:d=0.5" -ac 2 -c:a libmp3lame -b:a 192k "$1"
}
# Filler music: a slow arpeggio over a drone, different per track.
filler() {  # filler FILE BASE_HZ SECONDS
  local b=$2 d=$3
  ff -f lavfi -i "aevalsrc=0.12*sin(2*PI*$b*t)+0.10*sin(2*PI*$b*(1+0.25*mod(floor(t*2)\\,4))*2*t)*(0.6+0.4*sin(PI*t)):s=48000:d=$d" \
     -af "afade=t=in:d=2,afade=t=out:st=$((d - 3)):d=3" -ac 2 -c:a libmp3lame -b:a 128k "$1"
}

jingle "$out/jingles/opening.mp3" 523.25 4 3.5
jingle "$out/jingles/closing.mp3" 392 3 2.5
jingle "$out/jingles/time-signal.mp3" 880 2 1.5
speak "$out/announcements/mo-dau.mp3" \
  "Đài Truyền thanh huyện Thanh Thủy. Chương trình phát thanh ngày hai mươi sáu tháng mười một năm hai nghìn không trăm mười một."
speak "$out/announcements/ket-thuc.mp3" \
  "Chương trình phát thanh của Đài Truyền thanh huyện Thanh Thủy đến đây là kết thúc. Xin cảm ơn quý vị và các bạn đã chú ý theo dõi."
speak "$out/titles/nang-cao-chat-luong.mp3" "Chuyên mục: Nâng cao chất lượng tổ chức cơ sở Đảng."
speak "$out/titles/thoi-su.mp3" "Bản tin thời sự."
speak "$out/news/2011-11-26/thoi-su.mp3" \
  "Sáng nay, Ủy ban nhân dân huyện Thanh Thủy tổ chức hội nghị tổng kết công tác sản xuất vụ mùa. Toàn huyện đã gieo cấy hơn ba nghìn héc ta lúa, năng suất bình quân đạt năm mươi tạ một héc ta. Hội nghị cũng triển khai kế hoạch sản xuất vụ đông và công tác phòng chống bão lũ cuối năm."
speak "$out/features/nang-cao-chat-luong.mp3" \
  "Trong những năm qua, Đảng bộ huyện Thanh Thủy luôn chú trọng nâng cao chất lượng sinh hoạt chi bộ. Các chi bộ đã đổi mới nội dung sinh hoạt, gắn với nhiệm vụ chính trị của địa phương, phát huy vai trò tiên phong gương mẫu của đảng viên."
filler "$out/fill/giai-dieu-1.mp3" 220 45
filler "$out/fill/giai-dieu-2.mp3" 196 40
filler "$out/fill/giai-dieu-3.mp3" 247 50
filler "$out/fill/backup.mp3" 174.6 30
echo "$version" > "$stamp"
echo "demo media written to $out" >&2
